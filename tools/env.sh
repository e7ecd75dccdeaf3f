# Sourced by the tools/ scripts: puts the project's .venv (cmake, ninja) first on PATH.
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$SF_ROOT/.venv/bin:$PATH"
