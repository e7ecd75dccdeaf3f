#!/usr/bin/env bash
# Installs what stencilforge needs and is missing: Debian packages (apt) and
# the pinned PyPI packages of tools/requirements.txt in a project-local .venv.
# Idempotent: a second run checks and returns in about a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(g++ python3 python3-venv python3-dev libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev
              pocl-opencl-icd ocl-icd-opencl-dev libdnnl-dev libopencv-imgproc-dev clang libclang-rt-14-dev
              libopenmpi-dev openmpi-bin pkgconf)

missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "[setup] apt: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "[setup] creating .venv"
    python3 -m venv .venv
fi
stamp=.venv/.requirements.stamp
if [ ! -f "$stamp" ] || ! cmp -s tools/requirements.txt "$stamp"; then
    echo "[setup] pip: installing tools/requirements.txt into .venv"
    .venv/bin/pip install -q --disable-pip-version-check -r tools/requirements.txt
    cp tools/requirements.txt "$stamp"
fi
# A fixed path to Halide's CMake package for CMakePresets.json.
ln -sfn "$(.venv/bin/python -c 'import halide; print(halide.install_dir())')" .venv/halide
# Kokkos with the OpenMP backend (skipped when Kokkos_ROOT names the user's own).
"$ROOT/tools/setup_kokkos.sh"
