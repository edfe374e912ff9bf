#!/usr/bin/env bash
# A local Asterisk 22 for development and tests: the chroot built by build-chroot.sh, configured from this
# repo's dialplan/ with the credentials from the environment (the same variables the daemon reads).
#   local.sh start | stop | restart | status
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ROOT=${ASTERISK_ROOT:?ASTERISK_ROOT must name the chroot directory}
PLACEHOLDERS=(AMI_USER AMI_SECRET ARI_USER ARI_PASSWORD ARI_APP SIP_AGENT_PASSWORD)

step() { printf '==> [asterisk] %s\n' "$*"; }
cli() { chroot "$ROOT" /usr/sbin/asterisk -rx "$1" 2>/dev/null; }
running_pid() {
    # var/run is an absolute link to /run inside the chroot: use the real path from the host.
    local pidfile="$ROOT/run/asterisk/asterisk.pid" pid
    [[ -f "$pidfile" ]] || return 1
    pid=$(<"$pidfile")
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

render_config() {
    local name missing=()
    for name in "${PLACEHOLDERS[@]}"; do
        local var="TELEPHONY_$name"
        [[ -n "${!var:-}" ]] || missing+=("$var")
    done
    if ((${#missing[@]})); then
        echo "local.sh: not set: ${missing[*]} (make writes them to .env)" >&2
        exit 1
    fi
    local etc="$ROOT/etc/asterisk"
    rm -rf "$etc"
    mkdir -p "$etc"
    # Values may hold any character: substitute in Python, not sed.
    python3 - "$REPO/dialplan" "$etc" "${PLACEHOLDERS[@]}" <<'PY'
import os, sys, pathlib
source, target, names = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
values = {f"@{n}@": os.environ[f"TELEPHONY_{n}"] for n in names}
for path in sorted(source.glob("*.conf")):
    text = path.read_text()
    for key, value in values.items():
        text = text.replace(key, value)
    out = target / path.name
    out.write_text(text)
    out.chmod(0o640)
PY
}

start() {
    if [[ ! -f "$ROOT/.telephony-ready" ]]; then
        echo "local.sh: no Asterisk chroot at $ROOT; run deploy/asterisk/build-chroot.sh (make asterisk)" >&2
        exit 1
    fi
    if running_pid >/dev/null; then stop; fi
    printf '127.0.0.1 localhost %s A.ROOT-SERVERS.NET\n::1 localhost\n' "$(hostname)" >"$ROOT/etc/hosts"
    render_config
    mkdir -p "$ROOT/run/asterisk" "$ROOT/var/log/asterisk" "$ROOT/var/spool/asterisk/recording" \
        "$ROOT/var/lib/asterisk"
    step "starting Asterisk in $ROOT"
    local started=$SECONDS
    chroot "$ROOT" /usr/sbin/asterisk -F >/dev/null 2>&1 || true
    local deadline=$((SECONDS + 30))
    until cli 'core waitfullybooted' >/dev/null && port_open 5038 && port_open 8088; do
        if ((SECONDS > deadline)); then
            echo "local.sh: Asterisk did not come up in 30 s; see $ROOT/var/log/asterisk/messages.log" >&2
            tail -20 "$ROOT/var/log/asterisk/messages.log" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.2
    done
    step "up in $((SECONDS - started)) s: $(cli 'core show version' | head -1 | cut -c1-40); AMI 127.0.0.1:5038, ARI 127.0.0.1:8088, SIP 127.0.0.1:5060"
}

stop() {
    local pid
    pid=$(running_pid) || { step "not running"; return 0; }
    step "stopping Asterisk (pid $pid)"
    cli 'core stop now' >/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || { step "stopped"; return 0; }
        sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
    step "killed"
}

status() {
    if running_pid >/dev/null; then
        cli 'core show version' | head -1
    else
        echo "not running"
        return 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    status) status ;;
    *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
