#!/usr/bin/env bash
# Set up (tools/setup.sh), then configure and build with the `release` preset.
# Shared by tools/test.sh and tools/bench.sh; incremental on a second run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
source "$ROOT/tools/env.sh"
cd "$ROOT"
cmake --preset release >/dev/null
cmake --build --preset release
