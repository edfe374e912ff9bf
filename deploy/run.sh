#!/usr/bin/env bash
# `make run`: check the call-center file, start the local Asterisk only if it is not running (unless the
# settings name another Asterisk), then run the daemon in the foreground. A running Asterisk is left
# alone: its calls and registrations stay. What this started is written to $RUN_DIR, so that `make stop`
# (deploy/stop.sh) stops that and nothing else.
#   TELEPHONY_ENV_FILE (default .env): the settings; TELEPHONY_RUN_DIR (default var/run): the state.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
set -a; source "${TELEPHONY_ENV_FILE:-.env}"; set +a
RUN_DIR=${TELEPHONY_RUN_DIR:-var/run}
export ASTERISK_ROOT=${ASTERISK_ROOT:-/var/cache/telephony/asterisk-22}
CONFIG=${TELEPHONY_CONFIG_FILE:-callcenter.yaml}
# The repository's own code (python -m from here), whichever checkout the virtualenv was installed from.
telephony() { "$VENV/bin/python" -m telephony "$@"; }
step() { printf '==> [run] %s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

daemon_pid() {
    local pid
    pid=$(cat "$RUN_DIR/daemon.pid" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- '-m telephony run' && echo "$pid"
}

# Nothing is started or stopped before the file and the settings are known to be good.
if [[ ! -f "$CONFIG" ]]; then
    cp callcenter.example.yaml "$CONFIG"
    step "wrote $CONFIG from callcenter.example.yaml"
fi
telephony check-config "$CONFIG" || die "$CONFIG has the errors above: nothing was started or stopped"
if pid=$(daemon_pid); then die "the daemon is already running (pid $pid): make stop first"; fi
mkdir -p "$RUN_DIR"

if [[ -z "${TELEPHONY_AMI_HOST:-}" && -z "${TELEPHONY_ARI_URL:-}" ]]; then
    deploy/asterisk/build-chroot.sh
    if pid=$(deploy/asterisk/local.sh pid); then
        if [[ "$(cat "$RUN_DIR/asterisk.pid" 2>/dev/null)" == "$pid" ]]; then
            stopping="make stop stops it (an earlier make run started it)"
        else
            rm -f "$RUN_DIR/asterisk.pid"
            stopping="make stop leaves it running"
        fi
        step "the local Asterisk is already running (pid $pid): left alone, its calls and registrations" \
             "stay; $stopping"
        deploy/asterisk/local.sh current \
            || step "note: dialplan/ or .env changed since it started;" \
                    "make asterisk-start applies them (and drops its calls)"
    else
        deploy/asterisk/local.sh start
        deploy/asterisk/local.sh pid >"$RUN_DIR/asterisk.pid"
        step "started the local Asterisk (pid $(<"$RUN_DIR/asterisk.pid")); make stop stops it"
    fi
else
    step "using the Asterisk named by the settings (${TELEPHONY_ARI_URL:-$TELEPHONY_AMI_HOST})"
fi
echo $$ >"$RUN_DIR/daemon.pid"  # exec keeps the pid
step "starting the daemon (pid $$); HTTP on ${TELEPHONY_HTTP_HOST:-127.0.0.1}:${TELEPHONY_HTTP_PORT:-8080}" \
     "(Ctrl-C or make stop stops it)"
exec "$VENV/bin/python" -m telephony run
