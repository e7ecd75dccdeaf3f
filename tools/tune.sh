#!/usr/bin/env bash
# The tuned build, one command: set up, build with the tuning candidates of
# catalog.json's tuning spaces (SF_TUNING_FAMILIES, default: its
# tuning_families), then `stencilforge tune`: time every candidate here and
# write this machine's tuning record, which run("<family>", ...), the CLI and
# the benchmark's auto picks then follow (docs/selection.md).
#   ./tools/tune.sh                          the default families, 600 s budget
#   ./tools/tune.sh --budget 120 -f star3d1r_f32     (arguments go to `stencilforge tune`)
#   SF_TUNING_FAMILIES="star2d1r_f32;box3d1r_f64" ./tools/tune.sh
# The record goes to STENCILFORGE_TUNING_RECORD, else ~/.cache/stencilforge/tuning.json.
# `cmake --preset release -DSF_TUNING_FAMILIES=` drops the candidates again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
source "$ROOT/tools/env.sh"
cd "$ROOT"
families="${SF_TUNING_FAMILIES:-default}"
start=$SECONDS
cmake --preset release -DSF_TUNING_FAMILIES="$families" >/dev/null
cmake --build --preset release --target stencilforge_cli
echo "[tune] tuning build (candidates of '$families') ready in $((SECONDS - start)) s"
start=$SECONDS
./build/tools/stencilforge tune "$@"
echo "[tune] measured in $((SECONDS - start)) s"
