#!/usr/bin/env bash
# The test command: set up, build (preset `release`), run every test through ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
source "$ROOT/tools/env.sh"
cd "$ROOT"
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release "$@"
