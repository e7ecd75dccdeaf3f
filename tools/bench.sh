#!/usr/bin/env bash
# The main job: set up, build (preset `release`), run the stencil benchmark on
# this CPU (every catalog variant on grids far beyond the LLC, next to the
# machine's copy bandwidth) and print the table. Extra arguments go to the
# benchmark binary (e.g. --benchmark_filter=star2d1r, --dtypes=f32, --grid=small).
# Results: build/bench/stencils.json and docs/results/<machine>/stencils.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/build.sh"
source "$ROOT/tools/env.sh"
cd "$ROOT"
machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1 | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//' | tr 'A-Z' 'a-z')-$(nproc)c"
mkdir -p "docs/results/$machine"
json="build/bench/stencils.json"
echo "[bench] running; each line below is one kernel (Google Benchmark console output)"
cpu_model="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
./build/bench/sf_stencil_bench --benchmark_context="cpu_model=$cpu_model" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_min_time=0.3 --benchmark_out="$json" --benchmark_out_format=json "$@"
.venv/bin/python tools/report.py "$json" --out "docs/results/$machine/stencils.md" \
    --title "stencilforge stencils on $machine"
cp "$json" "docs/results/$machine/stencils.json"
echo "[bench] report: docs/results/$machine/stencils.md"
