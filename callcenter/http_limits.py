"""Request body size limits on every HTTP route: 413 with a JSON detail before the app reads."""

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
MIB = 1024 * KIB
DEFAULT_LIMIT = 256 * KIB
# Twilio's webhook forms are a few KiB; a large body there is never a real callback.
DEFAULT_PREFIX_LIMITS: Mapping[str, int] = {
    "/api/inbound-call": 64 * KIB,
    "/api/outbound-call-webhook": 64 * KIB,
    "/api/call-status": 64 * KIB,
}
# Routes that read their (large) body as a stream: counted on the way in, never buffered here.
STREAMED_PREFIX_LIMITS: Mapping[str, int] = {"/api/campaigns": 32 * MIB}


class BodyTooLarge(Exception):
    """A streamed body passed its limit while the route was reading it (answer 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body too large (limit {limit} bytes)")
        self.limit = limit


async def _reply(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Rejects a declared Content-Length over the limit at once, and a chunked body as soon as
    it passes the limit; a body within the limit is handed to the app unchanged."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int = DEFAULT_LIMIT,
        prefixes: Mapping[str, int] = DEFAULT_PREFIX_LIMITS,
    ) -> None:
        self.app = app
        self.default = default
        self.prefixes = dict(prefixes)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.prefixes.items():
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        streamed = next((n for p, n in STREAMED_PREFIX_LIMITS.items() if path.startswith(p)), None)
        limit = streamed or self.limit_for(path)
        declared = [v for k, v in scope.get("headers", []) if k == b"content-length"]
        if declared:
            raw = declared[0].decode("latin-1").strip()
            if not (raw.isascii() and raw.isdigit()):
                await _reply(send, 400, "invalid Content-Length header")
                return
            if int(raw) > limit:
                await _reply(send, 413, f"request body too large (limit {limit} bytes)")
                return
        if streamed is not None:
            await self.app(scope, _counted(receive, limit), send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _reply(send, 413, f"request body too large (limit {limit} bytes)")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(chunks, None, receive), send)


def _replay(chunks: list[bytes], first: Message | None, receive: Receive) -> Receive:
    """A `receive` that yields the buffered body once, then defers to the real one."""
    pending: list[Message] = []
    if first is not None:
        pending.append(first)
    else:
        pending.append({"type": "http.request", "body": b"".join(chunks), "more_body": False})

    async def _receive() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return _receive


def _counted(receive: Receive, limit: int) -> Receive:
    """A `receive` that raises `BodyTooLarge` once more than `limit` body bytes went by."""
    size = 0

    async def _receive() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyTooLarge(limit)
        return message

    return _receive
