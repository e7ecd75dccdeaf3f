#!/usr/bin/env bash
# The test command: set up, build (preset `release`), run every test through ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/build.sh"
source "$ROOT/tools/env.sh"
cd "$ROOT"
ctest --preset release "$@"
