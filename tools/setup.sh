#!/usr/bin/env bash
# Installs what stencilforge needs and is missing: Debian packages (apt) and
# the pinned PyPI packages of tools/requirements.txt in a project-local .venv.
# Idempotent: a second run checks and returns in about a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian packages, each with why it is needed (printed when it is installed).
APT_PACKAGES=(
    "g++:the C++20 compiler"
    "python3:the report, the catalog generator and the tests"
    "python3-venv:the project-local .venv"
    "python3-dev:the Python module's headers (python/)"
    "libgtest-dev:GoogleTest, the C++ test suites"
    "libgmock-dev:GoogleMock, with GoogleTest"
    "libbenchmark-dev:Google Benchmark, the benchmark suites"
    "libcli11-dev:CLI11, the command line"
    "nlohmann-json3-dev:nlohmann-json, tuning records and JSON output"
    "pocl-opencl-icd:PoCL, the OpenCL variants run on the CPU in the tests"
    "ocl-icd-opencl-dev:the OpenCL loader"
    "libdnnl-dev:oneDNN, the benchmark's convolution anchor"
    "libopencv-imgproc-dev:OpenCV imgproc, the benchmark's filter anchor"
    "clang:the sanitizer and libFuzzer builds"
    "libclang-rt-14-dev:clang's sanitizer and fuzzer runtimes"
    "libopenmpi-dev:OpenMPI, the distributed runtime (distributed/)"
    "openmpi-bin:mpiexec, the distributed tests and benchmark"
    "pkgconf:pkg-config, the installed package's recipe test"
)

missing=()
for entry in "${APT_PACKAGES[@]}"; do
    p="${entry%%:*}"
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$entry")
done
if ((${#missing[@]})); then
    echo "[setup] apt (needs root; sudo is used when not root) will install:"
    names=()
    for entry in "${missing[@]}"; do
        echo "[setup]   ${entry%%:*}: ${entry#*:}"
        names+=("${entry%%:*}")
    done
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${names[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "[setup] creating .venv"
    python3 -m venv .venv
fi
stamp=.venv/.requirements.stamp
if [ ! -f "$stamp" ] || ! cmp -s tools/requirements.txt "$stamp"; then
    echo "[setup] pip: installing tools/requirements.txt into .venv (Halide and its CMake package, CMake, Ninja;" \
         "numpy, pandas, matplotlib for the reports; nanobind, scikit-build-core, pytest for the Python package)"
    .venv/bin/pip install -q --disable-pip-version-check -r tools/requirements.txt
    cp tools/requirements.txt "$stamp"
fi
# A fixed path to Halide's CMake package for CMakePresets.json.
ln -sfn "$(.venv/bin/python -c 'import halide; print(halide.install_dir())')" .venv/halide
# Kokkos with the OpenMP backend (skipped when Kokkos_ROOT names the user's own).
"$ROOT/tools/setup_kokkos.sh"
