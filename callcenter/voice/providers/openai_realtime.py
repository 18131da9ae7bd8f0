"""OpenAI Realtime (GA) engine: the SDK connects; the audio path reads and writes raw JSON."""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import orjson
from openai import AsyncOpenAI, OpenAIError
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.proxy import get_proxy
from websockets.uri import parse_uri

from callcenter import metrics
from callcenter.config import Settings
from callcenter.voice import realtime_events
from callcenter.voice.providers import ws_masks
from callcenter.voice.session import (
    PastTurn,
    SessionClosed,
    SessionConfig,
    SessionReady,
    VoiceConnectError,
    VoiceEvent,
)
from callcenter.voice.session_config import realtime_session

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0
_SEND_ERRORS = (ConnectionClosed, OpenAIError, WebSocketException, OSError)


_clients: dict[tuple[str | None, str | None], AsyncOpenAI] = {}
_proxies: dict[str, str | None] = {}


def shared_client(settings: Settings) -> AsyncOpenAI:
    """One SDK client per key and base URL: only its websocket connect is used per call, and
    building a client (TLS context, HTTP pool) costs tens of milliseconds of CPU."""
    key = (settings.openai_api_key, settings.openai_base_url)
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = AsyncOpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url or None,
            max_retries=0,
        )
    return client


def websocket_proxy(client: AsyncOpenAI) -> str | None:
    """The proxy for the client's websocket host, looked up once per process: left to itself
    the websocket library reads every proxy variable of the environment on each connect."""
    base = str(client.websocket_base_url or client.base_url)
    if base not in _proxies:
        uri = parse_uri(base.replace("https://", "wss://", 1).replace("http://", "ws://", 1))
        _proxies[base] = get_proxy(uri)
    return _proxies[base]


def warm_up(settings: Settings) -> None:
    """Import the SDK's realtime modules now rather than during the first call."""
    shared_client(settings).realtime  # noqa: B018 - the property import is the point
    import openai.lib._websocket  # noqa: F401


class OpenAIRealtimeSession:
    """One call's Realtime conversation (implements `VoiceSession`)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._conn: Any = None
        self._closed = False
        self._lost = False

    async def start(self, config: SessionConfig) -> None:
        """Connect, send `session.update`, and wait until the service accepted it."""
        client = shared_client(self._settings)
        ws_masks.install()  # fifty audio frames a second: no system call per frame's mask
        # No `on_reconnecting`: a dropped session is never silently resumed (the call ends).
        manager = client.realtime.connect(
            model=self._settings.openai_realtime_model,
            websocket_connection_options={"proxy": websocket_proxy(client)},  # type: ignore[typeddict-unknown-key]
        )
        started = time.perf_counter()
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                self._conn = await manager.enter()
                # Our payload is the GA shape already (voice/session_config.py): sent as it is,
                # without the SDK's per-field conversion (a few % of a webhook's CPU).
                session = realtime_session(self._settings, config)
                update = {"type": "session.update", "session": session}
                await self._conn.send_raw(orjson.dumps(update).decode())
                await self._await_session_updated()
            metrics.observe_realtime_connect(time.perf_counter() - started)
        except VoiceConnectError:
            await self.close()
            raise
        except InvalidStatus as exc:
            await self.close()
            raise VoiceConnectError(f"realtime refused: HTTP {exc.response.status_code}") from exc
        except (TimeoutError, ValueError, *_SEND_ERRORS) as exc:
            await self.close()
            raise VoiceConnectError(f"realtime unavailable: {type(exc).__name__}") from exc

    async def _await_session_updated(self) -> None:
        while True:
            data = json.loads(await self._conn.recv_bytes())
            kind = data.get("type")
            if kind == "session.updated":
                return
            if kind == "error":
                error = data.get("error") or {}
                raise VoiceConnectError(f"realtime refused the session: {error.get('message')}")

    async def events(self) -> AsyncIterator[VoiceEvent]:
        yield SessionReady()
        conn = self._conn
        parse = realtime_events.parse
        while True:
            try:
                raw = await conn.recv_bytes()
            except ConnectionClosed as exc:
                self._lost = not self._closed
                code = exc.rcvd.code if exc.rcvd is not None else 1006
                yield SessionClosed(reason="closed" if self._closed else f"dropped ({code})")
                return
            except (OpenAIError, OSError) as exc:
                self._lost = not self._closed
                yield SessionClosed(reason=f"dropped ({type(exc).__name__})")
                return
            event = parse(raw)
            if event is not None:
                yield event

    async def send_audio(self, payload: str) -> None:
        if self._closed:
            return  # closed on purpose (the call is ending): nothing is owed to the engine
        if self._lost:
            metrics.count_frame_dropped()  # the caller spoke into a lost session
            return
        # Hot path: no SDK transform, one small JSON string per 20 ms frame.
        text = '{"type":"input_audio_buffer.append","audio":' + orjson.dumps(payload).decode() + "}"
        try:
            await self._conn.send_raw(text)
        except _SEND_ERRORS:
            self._lost = True
            metrics.count_frame_dropped()

    async def _send(self, event: dict[str, Any]) -> None:
        if self._closed or self._lost or self._conn is None:
            return
        try:
            await self._conn.send_raw(json.dumps(event))
        except _SEND_ERRORS:
            self._lost = True

    async def request_response(self, instructions: str | None = None) -> None:
        event: dict[str, Any] = {"type": "response.create"}
        if instructions:
            event["response"] = {"instructions": instructions}
        await self._send(event)

    async def send_text(self, text: str) -> None:
        item = {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        }
        await self._send({"type": "conversation.item.create", "item": item})

    @property
    def max_session_seconds(self) -> float:
        """The service ends a session after a while: the bridge renews it before this."""
        return self._settings.realtime_max_session_seconds

    async def add_history(self, turns: Sequence[PastTurn]) -> None:
        for turn in turns:
            await self._send({"type": "conversation.item.create", "item": message_item(turn)})

    async def send_tool_result(self, call_id: str, output: str) -> None:
        item = {"type": "function_call_output", "call_id": call_id, "output": output}
        await self._send({"type": "conversation.item.create", "item": item})

    async def truncate(self, item_id: str, content_index: int, audio_end_ms: int) -> None:
        await self._send(
            {
                "type": "conversation.item.truncate",
                "item_id": item_id,
                "content_index": content_index,
                "audio_end_ms": audio_end_ms,
            }
        )

    async def cancel_response(self) -> None:
        await self._send({"type": "response.cancel"})

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await conn.close()
            release_back_references(conn)


def release_back_references(conn: Any) -> None:
    """Let reference counting free a closed SDK connection.

    Its resources (`session`, `response`, …) each point back at it, so the connection, its
    websocket and everything they hold (~90 objects) stay as cyclic garbage until the
    collector runs; at a hundred calls a second those piles made its older-generation passes
    take 200 ms, a pause every call's audio waits through. Nothing here uses the resources
    (only `send_raw` / `recv_bytes`), and the connection is closed."""
    for value in vars(conn).values():
        if getattr(value, "_connection", None) is conn:
            value._connection = None


def message_item(turn: PastTurn) -> dict[str, Any]:
    """A past turn as a GA conversation item: the caller's words as a user `input_text`
    message, the agent's as an assistant `output_text` message."""
    if turn.role == "agent":
        role, kind = "assistant", "output_text"
    else:
        role, kind = "user", "input_text"
    return {"type": "message", "role": role, "content": [{"type": kind, "text": turn.text}]}
