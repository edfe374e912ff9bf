#!/usr/bin/env bash
# `make stop`: stop what `make run` started (deploy/run.sh wrote it to $RUN_DIR): the daemon, and the local
# Asterisk only if make run started it. Calls in the daemon's care are released to Asterisk, not hung up.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR=${TELEPHONY_RUN_DIR:-var/run}
export ASTERISK_ROOT=${ASTERISK_ROOT:-/var/cache/telephony/asterisk-22}
step() { printf '==> [stop] %s\n' "$*"; }

# A pid from the file counts only while it is still the daemon: a stale file may name a reused pid, and a
# daemon that exited but is not reaped yet (a zombie, its command line empty) is gone.
is_daemon() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- '-m telephony run'; }

if pid=$(cat "$RUN_DIR/daemon.pid" 2>/dev/null) && [[ "$pid" =~ ^[0-9]+$ ]] && is_daemon "$pid"; then
    step "stopping the daemon (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 100); do is_daemon "$pid" || break; sleep 0.1; done
    if is_daemon "$pid"; then
        kill -KILL "$pid"
        step "killed the daemon (it did not stop within 10 s)"
    else
        step "stopped the daemon"
    fi
else
    step "the daemon is not running"
fi
rm -f "$RUN_DIR/daemon.pid"

if started=$(cat "$RUN_DIR/asterisk.pid" 2>/dev/null); then
    if [[ "$(deploy/asterisk/local.sh pid || true)" == "$started" ]]; then
        deploy/asterisk/local.sh stop
    else
        step "the local Asterisk make run started (pid $started) is gone already"
    fi
    rm -f "$RUN_DIR/asterisk.pid"
else
    step "the local Asterisk was not started by make run: left alone"
fi
