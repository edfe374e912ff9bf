#!/usr/bin/env bash
# Place one real SIP call from sipp to the local Asterisk, as the PSTN would through the trunk.
#   deploy/sipp/demo-call.sh [DID] [CALLER]      (defaults: 100 +4930123456)
# The call ends when Asterisk hangs up (the daemon's IVR, or the "not in service" fallback when the
# daemon is not connected). Exits with sipp's status: 0 when the call was answered and ended cleanly.
set -euo pipefail
cd "$(dirname "$0")/../.."
DID=${1:-100}
CALLER=${2:-+4930123456}
command -v sipp >/dev/null || { echo "demo-call.sh: sipp is not installed (apt-get install sip-tester)" >&2; exit 1; }
printf '==> [demo-call] calling %s from %s: sipp 127.0.0.1:5090 -> Asterisk 127.0.0.1:5060 (PCMA, RFC 4733)\n' \
    "$DID" "$CALLER"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$(date +%s%3N)
# -p/-mp: SIP and RTP ports of its own, so it runs beside the tests' sipp phones.
if sipp 127.0.0.1:5060 -sf tests/sipp/caller.xml -s "$DID" -key caller "$CALLER" -i 127.0.0.1 \
        -p 5090 -mp 16000 -m 1 -timeout 90s -timeout_error -nostdin >"$log" 2>&1; then
    printf '==> [demo-call] answered, and hung up by Asterisk after %s ms in all; the daemon log tells its path\n' \
        "$(( $(date +%s%3N) - started ))"
else
    code=$?
    printf '==> [demo-call] sipp failed (exit %s) after %s ms; its output:\n' "$code" "$(( $(date +%s%3N) - started ))"
    tail -30 "$log"
    exit "$code"
fi
