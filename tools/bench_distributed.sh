#!/usr/bin/env bash
# The distributed benchmark: strong scaling (one global grid: the one-process
# run on 2 threads against 2 ranks x 1 thread), weak scaling (1 rank on half
# the grid against 2 ranks on all of it), per-step exchange against deep halos
# (a t1 kernel exchanging every step or every 8, and fused t8 kernels), and
# overlap on and off; then the point-to-point latency and bandwidth the
# scaling model (docs/distributed.md) starts from. Writes JSON lines and a
# markdown report. 4 oversubscribed ranks are for the tests only: timed on 2
# cores they would measure the oversubscription.
#   tools/bench_distributed.sh [OUT_DIR]      (after tools/build.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
out="${1:-build/results/distributed}"
mkdir -p "$out"
json="$out/distributed.jsonl"
rm -f "$json"
bench=build/bench/sf_distributed_bench
[ -x "$bench" ] || { echo "[bench] $bench is not built (MPI not found?)" >&2; exit 1; }
mpi=(mpiexec --allow-run-as-root --bind-to none)
steps=64

run_family() {  # grid half_grid cases...
    local grid="$1" half="$2"
    shift 2
    local cases=()
    for c in "$@"; do cases+=(--case "$c"); done
    local singles=() seen=" "
    for c in "$@"; do  # each variant once: the one-process run has no period
        [[ "$seen" == *" ${c%%:*} "* ]] || { singles+=(--case "${c%%:*}"); seen+="${c%%:*} "; }
    done
    "${mpi[@]}" -n 1 "$bench" --label one_process --single --threads 2 --grid "$grid" --steps $steps "${singles[@]}" --json "$json"
    "${mpi[@]}" -n 1 "$bench" --label 1rank_2thr --threads 2 --grid "$grid" --steps $steps "${cases[@]}" --json "$json"
    "${mpi[@]}" -n 2 "$bench" --label 2ranks --threads 1 --grid "$grid" --steps $steps "${cases[@]}" --json "$json"
    "${mpi[@]}" -n 2 "$bench" --label 2ranks_no_overlap --no-overlap --threads 1 --grid "$grid" --steps $steps \
        "${cases[@]}" --json "$json"
    "${mpi[@]}" -n 1 "$bench" --label weak_1rank --threads 1 --grid "$half" --steps $steps "${cases[@]}" --json "$json"
}

echo "[bench] distributed: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
"${mpi[@]}" -n 2 "$bench" --label ping_pong --ping-pong --grid 64x64 --steps 1 --case star2d1r_f32_omp_t1 --json "$json"
run_family 8192x8192 8192x4096 star2d1r_f32_omp_t1:1 star2d1r_f32_omp_t1:8 star2d1r_f32_omp_trapezoid_t8 \
    star2d1r_f32_omp_wavefront_t8 star2d1r_f32_temporal_t8
run_family 512x512x256 512x512x128 star3d1r_f32_omp_t1:1 star3d1r_f32_omp_t1:8 star3d1r_f32_omp_wavefront_t8 \
    star3d1r_f32_temporal_t8
.venv/bin/python tools/distributed_report.py "$json" > "$out/distributed.md"
cat "$out/distributed.md"
