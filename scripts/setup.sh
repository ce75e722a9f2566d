#!/usr/bin/env bash
# Set up everything `make render` and `make test` need, skipping what is already there:
#   1. the system libraries manim's Cairo/Pango bindings build against (apt-get);
#   2. .venv with torch (installed first, see below), then nnexplain with its test extras.
#
# torch: a plain `pip install torch` on Linux fetches a multi-GB CUDA build. We install
# "$NNEXPLAIN_TORCH" first (default torch==2.13.0, a CPU build), so the package's own
# torch>=2.1 requirement is already met. GPU users override it, for example:
#   NNEXPLAIN_TORCH="torch==2.5.1" NNEXPLAIN_TORCH_INDEX=https://download.pytorch.org/whl/cu124 make test
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
TORCH_SPEC=${NNEXPLAIN_TORCH:-torch==2.13.0}
VENV=.venv
STAMP=$VENV/.nnexplain-installed

say() { printf '[setup] %s\n' "$*" >&2; }
# pip warns once per missing local mirror folder on this kind of machine; the rest of its output stays.
quiet_pip() { grep -v "^WARNING: Location '" || true; }

install_system_libraries() {
    if command -v pkg-config >/dev/null && pkg-config --exists cairo pangocairo 2>/dev/null; then
        return
    fi
    say "installing pkg-config, libcairo2-dev and libpango1.0-dev (needed to build manim's pycairo and manimpango)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -q pkg-config libcairo2-dev libpango1.0-dev >/dev/null 2>&1 || {
        $sudo apt-get update -q >/dev/null
        $sudo apt-get install -y -q pkg-config libcairo2-dev libpango1.0-dev >/dev/null
    }
}

install_python_packages() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    local pip=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
    if ! "$VENV/bin/python" -c "import torch" 2>/dev/null; then
        say "installing $TORCH_SPEC first (override with NNEXPLAIN_TORCH / NNEXPLAIN_TORCH_INDEX)"
        local index=()
        [ -n "${NNEXPLAIN_TORCH_INDEX:-}" ] && index=(--index-url "$NNEXPLAIN_TORCH_INDEX")
        "${pip[@]}" install "$TORCH_SPEC" "${index[@]}" 2>&1 | quiet_pip >&2
        "$VENV/bin/python" -c "import torch"
    fi
    # An editable install records whether nnexplain is a namespace package, so it is
    # redone when nnexplain/__init__.py is new as well as when pyproject.toml changes.
    if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ nnexplain/__init__.py -nt "$STAMP" ]; then
        say "installing nnexplain and its test extras into $VENV"
        "${pip[@]}" install -e ".[test]" 2>&1 | quiet_pip >&2
        "$VENV/bin/python" -c "import nnexplain, manim" && touch "$STAMP"
    fi
}

install_system_libraries
install_python_packages
