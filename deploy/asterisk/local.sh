#!/usr/bin/env bash
# A local Asterisk 22 for development and tests: the chroot built by build-chroot.sh, configured from this
# repo's dialplan/ with the credentials from the environment (the same variables the daemon reads).
#   local.sh start | stop | restart | status | pid | current
# Needs: ASTERISK_ROOT (the chroot) and, for start, TELEPHONY_AMI_USER, TELEPHONY_AMI_SECRET,
# TELEPHONY_ARI_USER, TELEPHONY_ARI_PASSWORD, TELEPHONY_ARI_APP, TELEPHONY_SIP_AGENT_PASSWORD.
# Idempotent: start replaces a running instance (fresh: earlier registrations forgotten), restart keeps
# Asterisk's state (astdb) as a real restart would, stop on a stopped one is fine. Prints no secret.
# pid prints the running daemon's pid (exit 1 if none); current exits 0 when the running configuration is
# what dialplan/ and the environment would render now, 1 otherwise (nothing is changed).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ROOT=${ASTERISK_ROOT:?ASTERISK_ROOT must name the chroot directory}
ROOT=$(realpath -m "$ROOT")
PLACEHOLDERS=(AMI_USER AMI_SECRET ARI_USER ARI_PASSWORD ARI_APP SIP_AGENT_PASSWORD)
BOOT_TIMEOUT=${ASTERISK_BOOT_TIMEOUT:-30}
# var/run in the chroot is an absolute link to /run: seen from the host it would be the host's /run.
RUNDIR="$ROOT/run/asterisk"
PIDFILE="$RUNDIR/asterisk.pid"
LOG="$ROOT/var/log/asterisk/messages.log"

step() { printf '==> [asterisk] %s\n' "$*"; }
die() { printf 'local.sh: %s\n' "$*" >&2; exit 1; }
cli() { timeout "${2:-10}" chroot "$ROOT" /usr/sbin/asterisk -rx "$1" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
now_ms() { date +%s%3N; }

# The pid of the Asterisk daemon running in this chroot, if any. The pid file alone is not trusted (a
# stale one may name a reused pid): the process must be an asterisk whose root is this chroot.
running_pid() {
    local pid
    if [[ -f "$PIDFILE" ]]; then
        pid=$(<"$PIDFILE")
        if [[ "$pid" =~ ^[0-9]+$ ]] && is_our_daemon "$pid"; then echo "$pid"; return 0; fi
    fi
    # No (valid) pid file: look for the daemon itself; `asterisk -r` consoles do not count.
    for dir in /proc/[0-9]*; do
        pid=${dir#/proc/}
        is_our_daemon "$pid" && { echo "$pid"; return 0; }
    done
    return 1
}
is_our_daemon() {
    local pid=$1 cmdline
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == asterisk ]] || return 1
    [[ "$(readlink "/proc/$pid/root" 2>/dev/null)" == "$ROOT" ]] || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ " $cmdline " != *" -r"* && " $cmdline " != *" -R"* ]]
}

# Start the daemon (-F: fork into the background; root inside the chroot) with no inherited file
# descriptor beyond stdio: a daemon that kept a caller's lock file open (this script's own, or a test
# session's `flock FILE cmd`) would hold that lock until it stops.
launch_daemon() {
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec chroot "$ROOT" /usr/sbin/asterisk -F
    ) </dev/null >/dev/null 2>&1 || true
}

# Render dialplan/*.conf into $ROOT/etc/asterisk.new; a bad or missing value fails before anything changes.
render_config() {
    local name missing=()
    for name in "${PLACEHOLDERS[@]}"; do
        local var="TELEPHONY_$name"
        [[ -n "${!var:-}" ]] || missing+=("$var")
    done
    ((${#missing[@]} == 0)) || die "not set: ${missing[*]} (make writes them to .env; see dialplan/README.md)"
    local staging="$ROOT/etc/asterisk.new"
    rm -rf "$staging"
    mkdir -p "$staging"
    # Values may hold any character: substituted in Python, never through sed or the shell.
    python3 - "$REPO/dialplan" "$staging" "${PLACEHOLDERS[@]}" <<'PY' || { rm -rf "$staging"; exit 1; }
import os, pathlib, re, sys

source, target, names = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
# Names end up as section names ([user]) or inside Stasis(app,...): keep them to a plain alphabet.
plain = {"AMI_USER": r"[A-Za-z0-9._@+-]+", "ARI_USER": r"[A-Za-z0-9._@+-]+", "ARI_APP": r"[A-Za-z0-9._-]+"}
values = {}
for name in names:
    var = f"TELEPHONY_{name}"
    value = os.environ[var]
    if name in plain and not re.fullmatch(plain[name], value):
        sys.exit(f"local.sh: {var} may only hold {plain[name]}")
    if any(c in value for c in "\r\n\0") or value != value.strip():
        sys.exit(f"local.sh: {var} must be one line without leading or trailing blanks")
    # ';' starts a comment in Asterisk's config files; '\;' is a literal semicolon.
    values[f"@{name}@"] = value.replace(";", r"\;")
for path in sorted(source.glob("*.conf")):
    text = path.read_text()
    for key, value in values.items():
        text = text.replace(key, value)
    left = sorted(set(re.findall(r"@[A-Z][A-Z0-9_]*@", text)))
    if left:
        sys.exit(f"local.sh: {path.name} has placeholders no variable fills: {' '.join(left)}")
    out = target / path.name
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(out, 0o640)
PY
}
install_config() {
    rm -rf "$ROOT/etc/asterisk"
    mv "$ROOT/etc/asterisk.new" "$ROOT/etc/asterisk"
}

# start: a fresh instance (registrations and other state from an earlier run forgotten);
# start keep: the same state, as a real Asterisk restart keeps it (restart uses it).
start() {
    local keep=${1:-}
    [[ -f "$ROOT/.telephony-ready" && -x "$ROOT/usr/sbin/asterisk" ]] \
        || die "no Asterisk chroot at $ROOT; build it first: deploy/asterisk/build-chroot.sh (make asterisk)"
    [[ $EUID -eq 0 ]] || die "running Asterisk in its chroot needs root (chroot)"
    render_config
    if running_pid >/dev/null; then stop; fi
    local port
    for port in 5038 8088; do
        ! port_open "$port" || die "127.0.0.1:$port is taken by another program (another Asterisk?); stop it first"
    done
    if command -v ss >/dev/null && [[ -n "$(ss -Hlun 'sport = :5060' 2>/dev/null)" ]]; then
        die "UDP port 5060 is taken by another program (another SIP server?); stop it first"
    fi
    local t0
    t0=$(now_ms)
    # Without a resolvable host name Asterisk stalls on DNS for every call.
    printf '127.0.0.1 localhost %s A.ROOT-SERVERS.NET\n::1 localhost\n' "$(hostname)" >"$ROOT/etc/hosts"
    install_config
    # astdb keeps SIP registrations across restarts: a fresh start must not offer phones (sipp instances
    # of an earlier test run, say) that are long gone.
    [[ "$keep" == keep ]] || rm -f "$ROOT/var/lib/asterisk/astdb.sqlite3"
    mkdir -p "$RUNDIR" "$ROOT/var/log/asterisk" "$ROOT/var/spool/asterisk/recording" "$ROOT/var/lib/asterisk"
    rm -f "$PIDFILE" "$RUNDIR/asterisk.ctl"
    step "starting Asterisk in $ROOT with $REPO/dialplan"
    launch_daemon
    # Up means: fully booted, and AMI and HTTP accept connections. Bounded (BOOT_TIMEOUT); an Asterisk
    # that dies during start-up is noticed after 3 s.
    local deadline=$((SECONDS + BOOT_TIMEOUT)) grace=$((SECONDS + 3)) booted="" why=""
    while :; do
        if [[ -z "$booted" ]] && cli 'core waitfullybooted' 5 >/dev/null; then booted=1; fi
        [[ -n "$booted" ]] && port_open 5038 && port_open 8088 && break
        if ((SECONDS >= grace)) && ! running_pid >/dev/null; then
            why="exited during start-up"
        elif ((SECONDS >= deadline)); then
            why="did not come up within $BOOT_TIMEOUT s"
        fi
        if [[ -n "$why" ]]; then
            printf 'local.sh: Asterisk %s; the end of %s:\n' "$why" "$LOG" >&2
            tail -20 "$LOG" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.1
    done
    local version
    version=$(cli 'core show version' | head -1 | awk '{print $1, $2}')
    step "up in $(( $(now_ms) - t0 )) ms: $version (pid $(running_pid)); SIP 127.0.0.1:5060, AMI 127.0.0.1:5038, HTTP/ARI 127.0.0.1:8088, log $LOG"
}

stop() {
    local pid
    pid=$(running_pid) || { step "not running"; return 0; }
    step "stopping Asterisk (pid $pid)"
    cli 'core stop now' >/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || { step "stopped"; rm -f "$PIDFILE"; return 0; }
        sleep 0.1
    done
    # Still there after 10 s: only this chroot's daemon, by its pid.
    is_our_daemon "$pid" && kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$PIDFILE" "$RUNDIR/asterisk.ctl"
    step "killed (it did not stop within 10 s)"
}

status() {
    local pid
    if pid=$(running_pid); then
        echo "running (pid $pid): $(cli 'core show version' | head -1 | awk '{print $1, $2}')"
    else
        echo "not running"
        return 1
    fi
}

# Is the installed configuration what render_config makes of dialplan/ and the environment now?
current() {
    render_config
    local same=0
    diff -rq "$ROOT/etc/asterisk.new" "$ROOT/etc/asterisk" >/dev/null 2>&1 || same=1
    rm -rf "$ROOT/etc/asterisk.new"
    return $same
}

# One action at a time on this chroot (tests and `make run` may overlap). A lock of its own: the test
# suite holds its session lock while it calls this script.
exec 9>"/tmp/telephony-asterisk-local.sh.lock"
flock -w 120 9 || die "another local.sh is still busy after 120 s"

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) start keep ;;
    status) status ;;
    pid) running_pid ;;
    current) current ;;
    *) echo "usage: $0 start|stop|restart|status|pid|current" >&2; exit 2 ;;
esac
