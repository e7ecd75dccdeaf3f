#!/usr/bin/env bash
# `pip install .` as a user runs it, without the network: the wheel is built
# by scikit-build-core from this clone with the .venv's pinned build
# requirements (pyproject.toml), installed into a scratch directory, then
# imported and put through the pytest suite from there.
# Usage: pip_wheel_test.sh PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
python="$1" src="$2" work="$3"
rm -rf "$work/wheel" "$work/site"
"$python" -m pip wheel --no-build-isolation --no-deps -q -w "$work/wheel" "$src"
"$python" -m pip install --no-deps -q --target "$work/site" "$work"/wheel/stencilforge-*.whl
cd "$work"
PYTHONPATH="$work/site" "$python" -c "import stencilforge, sys; assert stencilforge.__file__.startswith('$work/site'), stencilforge.__file__; print('import stencilforge', stencilforge.__version__, 'from the wheel')"
PYTHONPATH="$work/site" "$python" -m pytest -q -p no:cacheprovider "$src/python/tests"
