# callcenter: dashboard + webhooks + media stream on one port (3000).
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends flite curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV REFLEX_USE_NPM=1 \
    REFLEX_CHECK_LATEST_VERSION=0 \
    REFLEX_TELEMETRY_ENABLED=false \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH

COPY requirements.txt pyproject.toml ./
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir -r requirements.txt

COPY . .
RUN .venv/bin/pip install --no-cache-dir --no-deps -e . \
    && reflex export --frontend-only --no-zip --env prod >/dev/null 2>&1 || true

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://localhost:3000/api/health/live || exit 1
CMD ["./run.sh"]
