#!/bin/sh
# Container start: serve the dashboard compiled at build time and the core (webhooks, media
# stream, REST) on $PORT with one server process; scale with more containers. The app applies
# pending migrations itself at start-up unless AUTO_MIGRATE=false.
set -eu
# Without a public URL the app reaches itself (the simulator's webhooks) on the port it serves.
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:${PORT:-3000}}"
export REFLEX_ENV_MODE=prod __REFLEX_SKIP_COMPILE=true __REFLEX_MOUNT_FRONTEND_COMPILED_APP=true
exec uvicorn --factory callcenter.callcenter:app --host 0.0.0.0 --port "${PORT:-3000}" \
    --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}"
