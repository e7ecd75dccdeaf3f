#!/usr/bin/env bash
# The main job: set up, build (preset `release`), run the benchmark suite on
# this CPU and print the report table and the plot paths.
#   ./tools/bench.sh           representative suite (a few minutes on 2 cores)
#   ./tools/bench.sh --full    every catalog kernel at both sizes
# Other arguments go to the benchmark binary (e.g. --threads=1,
# --benchmark_filter=star2d1r). Results: build/bench/stencils.json, and the
# report with plots in docs/results/<machine>/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suite=representative
args=()
for a in "$@"; do
    if [ "$a" = "--full" ]; then suite=full; else args+=("$a"); fi
done
"$ROOT/tools/build.sh"
source "$ROOT/tools/env.sh"
cd "$ROOT"
cpu_model="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
machine="$(echo "$cpu_model" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//' | tr 'A-Z' 'a-z')-$(nproc)c"
out="docs/results/$machine"
json="build/bench/stencils.json"
mkdir -p build/bench "$out"
start=$SECONDS
# Console: one progress line per result (median of 5 repetitions, % of roof).
./build/bench/sf_stencil_bench --suite="$suite" --benchmark_context="cpu_model=$cpu_model" \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 \
    --benchmark_out="$json" --benchmark_out_format=json ${args[@]+"${args[@]}"} |
    awk 'BEGIN { scale["m"] = 1e-3; scale["u"] = 1e-6; scale["k"] = 1e3 }
         /ERROR/ { if ($1 == last_error) next; last_error = $1 }   # one line per kernel, not per repetition
         /_median|ERROR/ { n++; roof = -1;
          if (match($0, /roof_frac=[0-9.]+[muk]?/)) {   # console counters carry SI suffixes
              v = substr($0, RSTART + 10, RLENGTH - 10); s = substr(v, length(v));
              roof = (s in scale ? substr(v, 1, length(v) - 1) * scale[s] : v) * 100 }
          if (roof >= 0) printf "[bench %3d] %-50s %9s %-3s %5.0f%% of roof\n", n, $1, $2, $3, roof;
          else printf "[bench %3d] %s\n", n, substr($0, 1, 160); fflush() }'
echo "[bench] suite '$suite' ran in $((SECONDS - start)) s"
cp "$json" "$out/stencils.json"
.venv/bin/python tools/report.py report "$out/stencils.json" --out-dir "$out" \
    --title "stencilforge stencils on $machine ($suite suite)"
