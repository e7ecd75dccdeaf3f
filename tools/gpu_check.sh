#!/usr/bin/env bash
# The GPU verification kit: build here, run once on an NVIDIA machine, report here.
#
#   tools/gpu_check.sh pack DIR [--build-dir build]
#       Packs what the GPU checks need from a finished build (./tools/build.sh
#       first; nvcc is on every machine) into DIR, at most 48 MiB: the CUDA test
#       and benchmark binaries (stripped), the shared libraries they need that
#       a bare GPU machine may lack, the sanitizer subset, this script.
#   tools/gpu_check.sh run DIR OUT
#       On the GPU machine (no network needed), at most 8 minutes, at most 8
#       files in OUT: facts.txt (nvidia-smi, driver, cuDNN), tests.txt (every
#       CUDA test, one line per variant or test), sanitizer.txt (memcheck,
#       racecheck, synccheck on one variant per hand-written kernel template
#       and per Halide GPU schedule, small grids), stencils_gpu.json and
#       conv_gpu.json (the GPU benchmark rows), summary.txt (one line per
#       check), run.log (everything). Without an NVIDIA GPU it prints one line
#       and exits 0.
#   tools/gpu_check.sh report OUT DEST
#       Here, on OUT fetched back: the benchmark reports (tools/report.py,
#       tools/conv_report.py) and the text files into DEST (docs/results/<gpu>/).
set -euo pipefail

die() { echo "gpu_check: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: gpu_check.sh pack DIR | run DIR OUT | report OUT DEST"
cmd="$1"; shift

pack() {
    local dir="$1" build="$2" root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local bins=(tests/sf_cuda_test tests/sf_kernels_test tests/sf_conv_test tests/sf_tensorcore_test
                bench/sf_stencil_bench bench/sf_conv_bench)
    for b in "${bins[@]}"; do
        [ -x "$build/$b" ] || die "$build/$b is missing: build first (./tools/build.sh)"
    done
    local stage
    stage="$(mktemp -d)"
    trap 'rm -rf "$stage"' RETURN
    mkdir -p "$stage/kit/bin" "$stage/kit/lib"
    for b in "${bins[@]}"; do strip -o "$stage/kit/bin/$(basename "$b")" "$build/$b"; done
    # Shared libraries beyond glibc, libstdc++ and the driver: a GPU machine
    # has the CUDA driver and toolkit, not this machine's Debian packages.
    # cuDNN is left out on purpose (hundreds of MB): run finds it in the GPU
    # machine's Python environment (nvidia-cudnn-cu13) or says it is missing.
    ldd "${bins[@]/#/$build/}" 2>/dev/null | awk '$3 ~ /^\// {print $1, $3}' | sort -u |
        while read -r name path; do
            case "$name" in
                libc.so*|libm.so*|libdl.so*|librt.so*|libpthread.so*|ld-linux*|libstdc++.so*|libgcc_s.so*|\
                libcuda.so*|libcudnn*) ;;
                *) cp -L "$path" "$stage/kit/lib/$name" ;;
            esac
        done
    # The sanitizer subset, from the catalog: the first variant of each CUDA
    # schedule (one per hand-written kernel template, one per Halide GPU schedule).
    local py=python3
    [ -x "$root/.venv/bin/python" ] && py="$root/.venv/bin/python"
    PYTHONPATH="$root/tools" "$py" - "$stage/kit" <<'EOF'
import sys
import sfcatalog
cat = sfcatalog.load()
stencils, convs = {}, {}
# A hand-written schedule has a kernel template per dims and pattern (2D/3D temporal, star/box 2.5D); a Halide
# GPU schedule is one unit; the hand-written filter reads differently per boundary (mirror reflects).
for v in cat.variants:
    if v.device == "cuda":
        stencils.setdefault((v.schedule,) + ((v.dims, v.pattern) if v.engine == "handwritten" else ()), v.name)
for v in cat.conv_variants:
    if v.device == "cuda":
        convs.setdefault((v.algorithm, v.schedule, v.boundary if v.engine == "handwritten" else ""), v.name)
for name, first in (("sanitize_stencils.txt", stencils), ("sanitize_conv.txt", convs)):
    open(f"{sys.argv[1]}/{name}", "w").write(":".join(f"*{n}*" for n in first.values()) + "\n")
EOF
    git -C "$root" rev-parse HEAD > "$stage/kit/COMMIT" 2>/dev/null || echo unknown > "$stage/kit/COMMIT"
    mkdir -p "$dir"
    rm -f "$dir/kit.tar.xz" "$dir/gpu_check.sh"
    tar -C "$stage" -cf - kit | xz -T0 -6 > "$dir/kit.tar.xz"
    cp "${BASH_SOURCE[0]}" "$dir/gpu_check.sh"
    local bytes
    bytes=$(du -cb "$dir/kit.tar.xz" "$dir/gpu_check.sh" | tail -1 | cut -f1)
    if [ "$bytes" -gt $((48 * 1024 * 1024)) ]; then
        die "the kit is $bytes bytes, over the 48 MiB limit"
    fi
    echo "gpu_check: packed $(ls "$stage/kit/bin" | wc -l) binaries and $(ls "$stage/kit/lib" | wc -l) libraries into $dir ($((bytes / 1024 / 1024)) MiB, commit $(cut -c1-12 "$stage/kit/COMMIT"))"
}

run() {
    local dir="$1" out="$2"
    if ! command -v nvidia-smi > /dev/null 2>&1 || ! nvidia-smi -L > /dev/null 2>&1; then
        echo "gpu_check: no NVIDIA GPU here (nvidia-smi missing or lists none); nothing to check"
        return 0
    fi
    [ -f "$dir/kit.tar.xz" ] || die "$dir/kit.tar.xz is missing: run 'gpu_check.sh pack $dir' on the build machine"
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    local work
    work="$(mktemp -d)"
    tar -C "$work" -xJf "$dir/kit.tar.xz"
    local kit="$work/kit" log="$out/run.log" summary="$out/summary.txt"
    : > "$log"; : > "$summary"
    local start=$SECONDS
    # cuDNN 9 from the machine's Python environment (nvidia-cudnn-cu13), if any.
    local cudnn=""
    for py in python3 python; do
        command -v "$py" > /dev/null 2>&1 || continue
        cudnn="$("$py" -c 'import os, nvidia.cudnn as c; print(os.path.join(list(c.__path__)[0], "lib"))' 2>/dev/null)" || cudnn=""
        [ -n "$cudnn" ] && [ -e "$cudnn/libcudnn.so.9" ] && break
        cudnn=""
    done
    export LD_LIBRARY_PATH="$kit/lib${cudnn:+:$cudnn}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    {
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "kit commit: $(cat "$kit/COMMIT")"
        nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm,clocks.max.mem --format=csv
        echo "cuDNN 9: ${cudnn:-missing (no nvidia-cudnn-cu13 in the python3 environment): cuDNN rows are skipped}"
        nvidia-smi
    } > "$out/facts.txt" 2>&1
    echo "facts: $(sed -n 4p "$out/facts.txt" | tr -s ' ')" >> "$summary"

    # Every CUDA test, one line each (gtest's verdict lines and the per-variant lines).
    : > "$out/tests.txt"
    local t
    # Time limits (s) chosen so the whole run stays under 8 minutes.
    for t in "sf_cuda_test:80:*" "sf_kernels_test:50:*cuda*" "sf_conv_test:40:*cuda*" "sf_tensorcore_test:30:*"; do
        local bin="${t%%:*}" rest="${t#*:}" rc=0
        local limit="${rest%%:*}" filter="${rest#*:}"
        timeout "$limit" "$kit/bin/$bin" --gtest_filter="$filter" > "$work/$bin.log" 2>&1 || rc=$?
        cat "$work/$bin.log" >> "$log"
        grep -E '^\[ +(OK|FAILED|SKIPPED) +\] [^ ]+|^cuda-variant ' "$work/$bin.log" | grep -v 'tests, listed below' \
            | sed "s/^/$bin: /" >> "$out/tests.txt" || true
        echo "tests $bin ($filter): exit $rc, $(grep -c '\[       OK \]' "$work/$bin.log" || true) passed," \
             "$(grep -c '^\[  FAILED  \] [^ ]*\.' "$work/$bin.log" || true) failed," \
             "$(grep -c '^\[  SKIPPED \] [^ ]*\.' "$work/$bin.log" || true) skipped" >> "$summary"
    done

    # compute-sanitizer on the subset, small grids (the kernel tests' own).
    local sanitizer
    sanitizer="$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)"
    : > "$out/sanitizer.txt"
    if [ -x "$sanitizer" ]; then
        for tool in memcheck racecheck synccheck; do
            for t in "sf_kernels_test:35:sanitize_stencils.txt" "sf_conv_test:15:sanitize_conv.txt"; do
                local bin="${t%%:*}" rest="${t#*:}" rc=0
                local limit="${rest%%:*}" filter="${rest#*:}"
                timeout "$limit" "$sanitizer" --tool "$tool" --error-exitcode 9 "$kit/bin/$bin" \
                    --gtest_filter="$(cat "$kit/$filter")" > "$work/$tool.log" 2>&1 || rc=$?
                { echo "== $tool $bin (exit $rc)"; grep -E '========|^\[ +(OK|FAILED) +\]' "$work/$tool.log" | head -200; } \
                    >> "$out/sanitizer.txt"
                cat "$work/$tool.log" >> "$log"
                local verdict="errors or failures: see sanitizer.txt"
                [ "$rc" = 0 ] && verdict=clean
                [ "$rc" = 124 ] && verdict="timed out after $limit s"
                echo "sanitizer $tool $bin: exit $rc ($verdict)" >> "$summary"
            done
        done
    else
        echo "sanitizer: compute-sanitizer not found" >> "$summary"
    fi

    # The GPU benchmark rows: every CUDA stencil variant on the large grids
    # (with the device copy bandwidth they are measured against), then the
    # layers and filters on CUDA, cuDNN and the tensor cores.
    local rc=0
    timeout 60 "$kit/bin/sf_stencil_bench" --suite=full --benchmark_filter='cuda_.*/large' \
        --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_min_time=0.1 \
        --benchmark_out="$out/stencils_gpu.json" --benchmark_out_format=json >> "$log" 2>&1 || rc=$?
    echo "bench stencils: exit $rc, $(grep -c '"aggregate_name": "median"' "$out/stencils_gpu.json" 2>/dev/null || echo 0) medians" >> "$summary"
    rc=0
    timeout 45 "$kit/bin/sf_conv_bench" --benchmark_filter='cuda|cudnn' \
        --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_min_time=0.1 \
        --benchmark_out="$out/conv_gpu.json" --benchmark_out_format=json >> "$log" 2>&1 || rc=$?
    echo "bench conv: exit $rc, $(grep -c '"aggregate_name": "median"' "$out/conv_gpu.json" 2>/dev/null || echo 0) medians" >> "$summary"
    echo "total: $((SECONDS - start)) s" >> "$summary"
    rm -rf "$work"
    cat "$summary"
}

report() {
    local out="$1" dest="$2" root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    [ -f "$out/summary.txt" ] || die "$out/summary.txt is missing: not a gpu_check run's output"
    mkdir -p "$dest"
    cp "$out"/facts.txt "$out"/tests.txt "$out"/sanitizer.txt "$out"/summary.txt "$dest"/
    local py="$root/.venv/bin/python"
    [ -f "$out/stencils_gpu.json" ] && cp "$out/stencils_gpu.json" "$dest/" &&
        "$py" "$root/tools/report.py" report "$dest/stencils_gpu.json" --out-dir "$dest" --title "stencilforge stencils, GPU rows"
    [ -f "$out/conv_gpu.json" ] && cp "$out/conv_gpu.json" "$dest/" &&
        "$py" "$root/tools/conv_report.py" "$dest/conv_gpu.json" --out-dir "$dest" --title "stencilforge convolutions, GPU rows"
    echo "gpu_check: report in $dest"
}

case "$cmd" in
    pack)
        [ $# -ge 1 ] || die "usage: gpu_check.sh pack DIR [--build-dir build]"
        dir="$1"; build="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build"
        [ "${2:-}" = --build-dir ] && build="$3"
        pack "$dir" "$build" ;;
    run)
        [ $# -eq 2 ] || die "usage: gpu_check.sh run DIR OUT"
        run "$1" "$2" ;;
    report)
        [ $# -eq 2 ] || die "usage: gpu_check.sh report OUT DEST"
        report "$1" "$2" ;;
    *) die "unknown command '$cmd' (pack, run, report)" ;;
esac
