#!/usr/bin/env bash
# Everything the project needs on a fresh Debian machine, as root: system packages, then a virtualenv
# with the project installed. Safe to run again; each step says what it does.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
step() { printf '==> [setup] %s\n' "$*"; }

"$PYTHON" - <<'PY' || { echo "telephony needs Python 3.11 or newer as $PYTHON" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

missing=()
command -v sipp >/dev/null || missing+=(sip-tester)
command -v debootstrap >/dev/null || missing+=(debootstrap)
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
    if [[ $EUID -ne 0 ]]; then
        echo "missing system packages: ${missing[*]} (run as root, or install them)" >&2
        exit 1
    fi
    step "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    step "creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
step "installing telephony and its test dependencies into $VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -e '.[test]'
touch "$VENV/.installed"
step "done"
