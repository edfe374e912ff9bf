#!/usr/bin/env bash
# Build, once, a Debian testing chroot holding Asterisk 22 from Debian's packages.
# The chroot lives outside the repository (ASTERISK_ROOT) and is reused by every later run.
set -euo pipefail

ROOT=${ASTERISK_ROOT:?ASTERISK_ROOT must name the chroot directory}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
STAMP="$ROOT/.telephony-ready"

step() { printf '==> [asterisk] %s\n' "$*"; }

if [[ -f "$STAMP" ]]; then
    step "chroot ready at $ROOT (cached)"
    exit 0
fi
if [[ $EUID -ne 0 ]]; then
    echo "building the Asterisk chroot needs root (debootstrap, chroot)" >&2
    exit 1
fi

if ! command -v debootstrap >/dev/null; then
    step "installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# A half-built chroot from an interrupted run is started over.
if [[ -d "$ROOT" ]]; then
    step "removing unfinished chroot at $ROOT"
    # Refuse to delete through a mount point.
    if grep -q " $ROOT/" /proc/mounts; then
        echo "refusing to remove $ROOT: something is mounted below it" >&2
        exit 1
    fi
    rm -rf "$ROOT"
fi
mkdir -p "$(dirname "$ROOT")"

step "debootstrap forky (minbase) into $ROOT"
# Debian 12's debootstrap has no script for forky; sid's fits.
debootstrap --variant=minbase forky "$ROOT" "$MIRROR" /usr/share/debootstrap/scripts/sid >"$ROOT.debootstrap.log" 2>&1 \
    || { tail -20 "$ROOT.debootstrap.log" >&2; exit 1; }

# Without a resolvable host name Asterisk stalls on DNS for every call.
printf '127.0.0.1 localhost %s A.ROOT-SERVERS.NET\n::1 localhost\n' "$(hostname)" >"$ROOT/etc/hosts"

step "installing asterisk, sounds and music on hold"
chroot "$ROOT" apt-get -o Acquire::Check-Valid-Until=false update -qq
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    asterisk asterisk-core-sounds-en asterisk-core-sounds-en-wav asterisk-moh-opsound-wav >/dev/null
chroot "$ROOT" /usr/sbin/asterisk -V

touch "$STAMP"
step "chroot ready at $ROOT"
