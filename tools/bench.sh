#!/usr/bin/env bash
# The main job: set up, build (preset `release`), run the benchmark suites on
# this CPU and print the report tables and the plot paths.
#   ./tools/bench.sh                 stencils (representative suite) then convolutions
#   ./tools/bench.sh --full          every stencil kernel at both sizes, then convolutions
#   ./tools/bench.sh --only=conv     one family: stencils, conv or distributed (MPI scaling, when built)
# Other arguments go to the benchmark binaries (e.g. --threads=1,
# --benchmark_filter=star2d1r). Results: build/bench/{stencils,conv}.json, and
# the reports with plots in build/results/<vendor>-f<family>m<model>-<isa>-<cores>c/
# (distributed.md there: the MPI scaling tables and the scaling model).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suite=representative
only=all
args=()
for a in "$@"; do
    case "$a" in
    --full) suite=full ;;
    --only=*) only="${a#--only=}" ;;
    *) args+=("$a") ;;
    esac
done
"$ROOT/tools/build.sh"
source "$ROOT/tools/env.sh"
cd "$ROOT"
cpu_model="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
# The machine's identity, not its marketing name (a Zen 3 and a Zen 4 VM both
# say "AMD EPYC"): vendor, family and model, the ISA the kernels use, cores.
vendor="$(lscpu | sed -n 's/^Vendor ID: *//p' | head -1 | sed 's/^Authentic//; s/^Genuine//' | tr 'A-Z' 'a-z')"
family="$(lscpu | sed -n 's/^CPU family: *//p' | head -1)"
model="$(lscpu | sed -n 's/^Model: *//p' | head -1)"
isa=avx2
grep -qw avx512f /proc/cpuinfo && isa=avx512
[ "${STENCILFORGE_CPU_ISA:-}" = avx2 ] && isa=avx2
machine="${vendor:-cpu}-f${family:-0}m${model:-0}-${isa}-$(nproc)c"
# Under build/: a run never overwrites the results committed in docs/results/
# (copy a report there by hand to publish it, with its machine's folder name).
out="build/results/$machine"
mkdir -p build/bench "$out"
echo "[bench] machine: $machine ($cpu_model); results in $out"
status=0

# One progress line per result: the median and the counter named $1 in percent.
# Kernels refused for a missing device are counted, not listed: one line at
# the end says how many and why (the device probe's own words).
progress() {
    awk -v counter="$1" 'BEGIN { scale["m"] = 1e-3; scale["u"] = 1e-6; scale["k"] = 1e3 }
         /needs a [A-Za-z]+ device and this machine has none/ {
              k = $1; sub(/\/.*/, "", k); if (k in seen) next; seen[k] = 1
              match($0, /needs a [A-Za-z]+ device/); dev = tolower(substr($0, RSTART + 8, RLENGTH - 15))
              why = $0; sub(/.*has none \(/, "", why); sub(/\)\x27$/, "", why)
              skipped[dev]++; reason[dev] = why; next }
         END { for (d in skipped) printf "[bench] %d %s kernels not run: no %s device here (%s)\n", skipped[d], d, d, reason[d] }
         /ERROR/ { if ($1 == last_error) next; last_error = $1 }   # one line per kernel, not per repetition
         /_median|ERROR/ { n++; pct = -1;
          if (match($0, counter "=[0-9.]+[muk]?")) {   # console counters carry SI suffixes
              v = substr($0, RSTART + length(counter) + 1, RLENGTH - length(counter) - 1); s = substr(v, length(v));
              pct = (s in scale ? substr(v, 1, length(v) - 1) * scale[s] : v) * 100 }
          if (pct >= 0) printf "[bench %3d] %-62s %9s %-3s %5.0f%% of %s\n", n, $1, $2, $3, pct, counter;
          else printf "[bench %3d] %s\n", n, substr($0, 1, 160); fflush() }'
}

if [ "$only" = all ] || [ "$only" = stencils ]; then
    json="build/bench/stencils.json"
    start=$SECONDS
    ./build/bench/sf_stencil_bench --suite="$suite" --benchmark_context="cpu_model=$cpu_model" \
        --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 \
        --benchmark_out="$json" --benchmark_out_format=json ${args[@]+"${args[@]}"} | progress roof_frac
    echo "[bench] stencil suite '$suite' ran in $((SECONDS - start)) s"
    cp "$json" "$out/stencils.json"
    .venv/bin/python tools/report.py report "$out/stencils.json" --out-dir "$out" \
        --title "stencilforge stencils on $machine ($suite suite)" || status=1
fi

if [ "$only" = all ] || [ "$only" = conv ]; then
    json="build/bench/conv.json"
    start=$SECONDS
    # One FMA-peak measurement per job: the stencil suite's, when it ran.
    peak=()
    if [ "$only" = all ] && [ -f build/bench/stencils.json ]; then
        peak=("--fma-peak-f32-gflops=$(.venv/bin/python -c 'import json; print(json.load(open("build/bench/stencils.json"))["context"]["fma_peak_f32_GFLOPs"])')")
    fi
    ./build/bench/sf_conv_bench ${peak[@]+"${peak[@]}"} --benchmark_context="cpu_model=$cpu_model" \
        --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 \
        --benchmark_out="$json" --benchmark_out_format=json ${args[@]+"${args[@]}"} | progress peak_frac
    echo "[bench] convolution suite ran in $((SECONDS - start)) s"
    cp "$json" "$out/conv.json"
    .venv/bin/python tools/conv_report.py "$out/conv.json" --out-dir "$out" \
        --title "stencilforge convolutions on $machine" || status=1
fi

# Distributed scaling (MPI ranks on this machine), when the build has distributed/.
if { [ "$only" = all ] || [ "$only" = distributed ]; } && [ -x build/bench/sf_distributed_bench ]; then
    start=$SECONDS
    ./tools/bench_distributed.sh "$out" || status=1
    .venv/bin/python tools/scaling_model.py "$out/distributed.jsonl" >> "$out/distributed.md" || status=1
    echo "[bench] distributed suite ran in $((SECONDS - start)) s; report: $out/distributed.md"
fi
exit $status
