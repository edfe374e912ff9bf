#!/usr/bin/env bash
# `make run`: start the local Asterisk unless the settings name another one, migrate, run in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
set -a; source .env; set +a
[[ -f "${TELEPHONY_CONFIG_FILE:-callcenter.yaml}" ]] || cp callcenter.example.yaml "${TELEPHONY_CONFIG_FILE:-callcenter.yaml}"

if [[ -z "${TELEPHONY_AMI_HOST:-}" && -z "${TELEPHONY_ARI_URL:-}" ]]; then
    deploy/asterisk/build-chroot.sh
    deploy/asterisk/local.sh start
else
    printf '==> [run] using the Asterisk named by the settings (%s)\n' "${TELEPHONY_ARI_URL:-$TELEPHONY_AMI_HOST}"
fi
"$VENV/bin/telephony" check-config "${TELEPHONY_CONFIG_FILE:-callcenter.yaml}"
printf '==> [run] starting the daemon; HTTP on %s:%s (Ctrl-C stops it)\n' \
    "${TELEPHONY_HTTP_HOST:-127.0.0.1}" "${TELEPHONY_HTTP_PORT:-8080}"
exec "$VENV/bin/telephony" run
