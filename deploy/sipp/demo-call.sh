#!/usr/bin/env bash
# Place one real SIP call from sipp to the local Asterisk, as the PSTN would through the trunk.
#   deploy/sipp/demo-call.sh [DID] [CALLER]      (defaults: 100 +4930123456)
set -euo pipefail
cd "$(dirname "$0")/../.."
DID=${1:-100}
CALLER=${2:-+4930123456}
printf '==> [demo-call] calling %s from %s through 127.0.0.1:5060 (sipp, PCMA + RFC 4733)\n' "$DID" "$CALLER"
log=$(mktemp)
if sipp 127.0.0.1:5060 -sf tests/sipp/caller.xml -s "$DID" -key caller "$CALLER" -i 127.0.0.1 \
        -p 5090 -mp 16000 -m 1 -timeout 60s -timeout_error -nostdin >"$log" 2>&1; then
    printf '==> [demo-call] the call was answered and hung up by the service; see the daemon log for its path\n'
    rm -f "$log"
else
    code=$?
    printf '==> [demo-call] sipp failed (exit %s); its output:\n' "$code"
    tail -30 "$log"
    rm -f "$log"
    exit "$code"
fi
