#!/usr/bin/env bash
# The test command: set up, build (preset `release`), run every test through ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/build.sh"
source "$ROOT/tools/env.sh"
cd "$ROOT"
# Skipped tests (every CUDA test without a GPU) are summarized by reason
# (tools/ctest_summary.py); the full log: build/Testing/Temporary/LastTest.log.
set -o pipefail
ctest --preset release "$@" | .venv/bin/python tools/ctest_summary.py build
