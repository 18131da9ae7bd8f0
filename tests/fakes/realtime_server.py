"""A fake OpenAI Realtime service (GA protocol) on a real websocket, scripted by tests.

It checks the handshake like the real service (Bearer key, `model` query, no `OpenAI-Beta`
header), rejects beta-shaped `session.update` fields, runs a simple server VAD over the μ-law
the client appends (any non-silence byte is speech; 500 ms of silence ends a turn), answers
with scripted replies (audio deltas, transcript, optional tool call), and records every client
event. Drop, stall and refusal are scriptable.
"""

import asyncio
import base64
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.support.servers import free_port

API_KEY = "sk-test-fake-realtime"
SILENCE = frozenset({0xFF, 0x7F})
BETA_SESSION_FIELDS = (
    "input_audio_format",
    "output_audio_format",
    "voice",
    "modalities",
    "temperature",
    "turn_detection",
    "input_audio_transcription",
)


@dataclass
class Reply:
    """One agent response: spoken text with `audio_ms` of audio, then optionally a tool call."""

    text: str
    audio_ms: int = 600
    tool: tuple[str, dict[str, Any]] | None = None


@dataclass
class Script:
    replies: list[Reply] = field(default_factory=list)  # consumed by every response, in order
    caller_says: list[str] = field(default_factory=list)  # transcript of each caller turn
    chunk_ms: int = 100  # audio per delta
    pace: float = 0.0  # 0: audio as fast as possible; 1.0: real time
    refuse_status: int | None = None  # HTTP status for every handshake
    drop_after_responses: int | None = None  # close the socket (1011) after N responses
    stall_after_responses: int | None = None  # go silent after N responses
    silence_ms_to_stop: int = 500
    default_reply: Reply = field(default_factory=lambda: Reply("Okay.", audio_ms=200))
    audio_byte: int = 0x55  # what the agent's audio is made of (never silence)
    audio_factory: Callable[[int, int, int], bytes] | None = None  # (response, chunk, size)


@dataclass
class Connection:
    """What one client did: its handshake headers and every event it sent."""

    headers: dict[str, str]
    path: str
    events: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    appended_bytes: int = 0

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in list(self.events) if e.get("type") == kind]


class _Session:
    """The server side of one connection."""

    def __init__(self, fake: "FakeRealtime", ws: ServerConnection, record: Connection) -> None:
        self.fake = fake
        self.ws = ws
        self.record = record
        self.script = fake.script
        self.ids = 0
        self.audio_ms = 0.0
        self.speaking = False
        self.silence_ms = 0.0
        self.caller_item = ""
        self.speech_started_ms = 0
        self.active: asyncio.Task[None] | None = None
        self.active_id = ""
        self.responses_done = 0
        self.stalled = False
        self.tasks: set[asyncio.Task[None]] = set()

    def new_id(self, prefix: str) -> str:
        self.ids += 1
        return f"{prefix}_{self.ids:04d}"

    async def send(self, event: dict[str, Any]) -> None:
        if self.stalled:
            return
        self.ids += 1
        event.setdefault("event_id", f"event_{self.ids:05d}")
        await self.ws.send(json.dumps(event))

    async def run(self) -> None:
        await self.send({"type": "session.created", "session": {"type": "realtime"}})
        try:
            async for raw in self.ws:
                event = json.loads(raw)
                kind = event.get("type")
                if kind == "input_audio_buffer.append":
                    at = time.perf_counter()
                    self.record.events.append({"type": kind, "bytes": len(event["audio"])})
                    await self.on_audio(event["audio"], at)
                    continue
                self.record.events.append(event)
                self.fake.notify()
                handler = getattr(self, "on_" + str(kind).replace(".", "_"), None)
                if handler is not None:
                    await handler(event)
        except ConnectionClosed:
            pass
        finally:
            self.record.closed = True
            self.fake.notify()
            for task in list(self.tasks):
                task.cancel()

    def spawn(self, coro: Any) -> asyncio.Task[None]:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    # --- client events -------------------------------------------------------------------

    async def on_session_update(self, event: dict[str, Any]) -> None:
        session = event.get("session") or {}
        for name in BETA_SESSION_FIELDS:
            if name in session:
                await self.error(
                    "unknown_parameter", f"Unknown parameter: 'session.{name}'.", f"session.{name}"
                )
                return
        if session.get("type") != "realtime":
            await self.error(
                "missing_required_parameter",
                "Missing required parameter: 'session.type'.",
                "session.type",
            )
            return
        await self.send({"type": "session.updated", "session": session})

    async def error(self, code: str, message: str, param: str | None = None) -> None:
        await self.send(
            {
                "type": "error",
                "error": {
                    "type": "invalid_request_error",
                    "code": code,
                    "message": message,
                    "param": param,
                },
            }
        )

    async def on_audio(self, b64: str, at: float) -> None:
        audio = base64.b64decode(b64)
        if self.fake.on_append is not None:
            self.fake.on_append(audio, at)
        self.record.appended_bytes += len(audio)
        ms = len(audio) / 8
        is_speech = any(byte not in SILENCE for byte in audio[:: max(1, len(audio) // 16)])
        start_ms = self.audio_ms
        self.audio_ms += ms
        if is_speech:
            self.silence_ms = 0
            if not self.speaking:
                self.speaking = True
                self.caller_item = self.new_id("item_caller")
                self.speech_started_ms = int(start_ms)
                await self.send(
                    {
                        "type": "input_audio_buffer.speech_started",
                        "audio_start_ms": int(start_ms),
                        "item_id": self.caller_item,
                    }
                )
                if self.active is not None and not self.active.done():
                    await self.cancel_active("turn_detected")  # interrupt_response
        elif self.speaking:
            self.silence_ms += ms
            if self.silence_ms >= self.script.silence_ms_to_stop:
                self.speaking = False
                await self.end_caller_turn()

    async def end_caller_turn(self) -> None:
        item = self.caller_item
        await self.send(
            {
                "type": "input_audio_buffer.speech_stopped",
                "audio_end_ms": int(self.audio_ms),
                "item_id": item,
            }
        )
        await self.send({"type": "input_audio_buffer.committed", "item_id": item})
        said = self.fake.caller_says.popleft() if self.fake.caller_says else "(unclear)"
        # Like the real service, the caller's transcription lands after the answer has begun.
        self.start_response(transcript_for=(item, said))

    async def on_response_create(self, event: dict[str, Any]) -> None:
        if self.active is not None and not self.active.done():
            await self.error(
                "conversation_already_has_active_response",
                "Conversation already has an active response in progress.",
            )
            return
        self.start_response()

    async def on_response_cancel(self, event: dict[str, Any]) -> None:
        if self.active is None or self.active.done():
            await self.error("response_cancel_not_active", "Cancellation failed: no response.")
            return
        await self.cancel_active("client_cancelled")

    async def on_conversation_item_create(self, event: dict[str, Any]) -> None:
        item = dict(event.get("item") or {})
        item.setdefault("id", self.new_id("item_client"))
        await self.send({"type": "conversation.item.added", "item": item})
        await self.send({"type": "conversation.item.done", "item": item})

    async def on_conversation_item_truncate(self, event: dict[str, Any]) -> None:
        await self.send(
            {
                "type": "conversation.item.truncated",
                "item_id": event.get("item_id"),
                "content_index": event.get("content_index", 0),
                "audio_end_ms": event.get("audio_end_ms"),
            }
        )

    # --- responses -----------------------------------------------------------------------

    def start_response(self, transcript_for: tuple[str, str] | None = None) -> None:
        reply = self.fake.replies.popleft() if self.fake.replies else self.script.default_reply
        self.active_id = self.new_id("resp")
        self.active = self.spawn(self.respond(self.active_id, reply, transcript_for))

    async def cancel_active(self, reason: str) -> None:
        task, self.active = self.active, None
        if task is not None:
            task.cancel()
        await self.send(
            {
                "type": "response.done",
                "response": {
                    "id": self.active_id,
                    "object": "realtime.response",
                    "status": "cancelled",
                    "status_details": {"type": "cancelled", "reason": reason},
                },
            }
        )

    async def respond(
        self, response_id: str, reply: Reply, transcript_for: tuple[str, str] | None
    ) -> None:
        script = self.script
        item_id = self.new_id("item_agent")
        base = {"response_id": response_id, "item_id": item_id, "output_index": 0}
        await self.send(
            {
                "type": "response.created",
                "response": {
                    "id": response_id,
                    "object": "realtime.response",
                    "status": "in_progress",
                },
            }
        )
        await self.send(
            {
                "type": "response.output_item.added",
                "response_id": response_id,
                "output_index": 0,
                "item": {
                    "id": item_id,
                    "type": "message",
                    "role": "assistant",
                    "status": "in_progress",
                },
            }
        )
        chunk_bytes = script.chunk_ms * 8
        total = reply.audio_ms * 8
        chunks = max(1, -(-total // chunk_bytes))
        words = reply.text.split(" ")
        index = self.fake.response_count
        self.fake.response_count += 1
        for n in range(chunks):
            size = min(chunk_bytes, total - n * chunk_bytes)
            audio = (
                script.audio_factory(index, n, size)
                if script.audio_factory
                else bytes([script.audio_byte]) * size
            )
            await self.send(
                {
                    "type": "response.output_audio.delta",
                    **base,
                    "content_index": 0,
                    "delta": base64.b64encode(audio).decode(),
                }
            )
            lo, hi = len(words) * n // chunks, len(words) * (n + 1) // chunks
            if hi > lo:
                piece = " ".join(words[lo:hi]) + (" " if hi < len(words) else "")
                await self.send(
                    {
                        "type": "response.output_audio_transcript.delta",
                        **base,
                        "content_index": 0,
                        "delta": piece,
                    }
                )
            if n == 0 and transcript_for is not None:
                caller_item, said = transcript_for
                await self.send(
                    {
                        "type": "conversation.item.input_audio_transcription.completed",
                        "item_id": caller_item,
                        "content_index": 0,
                        "transcript": said,
                        "usage": {"type": "duration", "seconds": 1},
                    }
                )
            if script.pace:
                await asyncio.sleep(size / 8000 * script.pace)
            else:
                await asyncio.sleep(0)
        await self.send({"type": "response.output_audio.done", **base, "content_index": 0})
        await self.send(
            {
                "type": "response.output_audio_transcript.done",
                **base,
                "content_index": 0,
                "transcript": reply.text,
            }
        )
        if reply.tool is not None:
            name, arguments = reply.tool
            await self.send(
                {
                    "type": "response.function_call_arguments.done",
                    "response_id": response_id,
                    "item_id": self.new_id("item_call"),
                    "output_index": 1,
                    "call_id": self.new_id("call"),
                    "name": name,
                    "arguments": json.dumps(arguments),
                }
            )
        await self.send(
            {
                "type": "response.done",
                "response": {
                    "id": response_id,
                    "object": "realtime.response",
                    "status": "completed",
                },
            }
        )
        self.active = None
        self.responses_done += 1
        if script.stall_after_responses is not None:
            if self.responses_done >= script.stall_after_responses:
                self.stalled = True
        if script.drop_after_responses is not None:
            if self.responses_done >= script.drop_after_responses:
                await self.ws.close(code=1011, reason="server error")


class FakeRealtime:
    """The fake service, run on its own event loop in a thread (usable from any test)."""

    def __init__(self, script: Script | None = None) -> None:
        self.script = script or Script()
        self.replies: deque[Reply] = deque(self.script.replies)
        self.caller_says: deque[str] = deque(self.script.caller_says)
        self.port = free_port()
        self.connections: list[Connection] = []
        self.refused: list[str] = []
        self.response_count = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._sessions: list[_Session] = []
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self.changed = threading.Condition()
        # Called with (audio bytes, arrival time) for every appended frame (benchmarks).
        self.on_append: Callable[[bytes, float], None] | None = None

    @property
    def base_url(self) -> str:
        """What OPENAI_BASE_URL must be set to."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def last(self) -> Connection:
        return self.connections[-1]

    def _refuse(self, conn: ServerConnection, status: int, text: str) -> Response:
        self.refused.append(text)
        return conn.respond(HTTPStatus(status), text + "\n")

    def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        headers: Headers = request.headers
        if url.path != "/v1/realtime":
            return self._refuse(conn, 404, f"unknown path {url.path}")
        if "OpenAI-Beta" in headers:
            return self._refuse(conn, 400, "The Realtime Beta API is no longer supported")
        if headers.get("Authorization") != f"Bearer {API_KEY}":
            return self._refuse(conn, 401, "Incorrect API key provided")
        if not parse_qs(url.query).get("model"):
            return self._refuse(conn, 400, "Missing required parameter: 'model'")
        if self.script.refuse_status is not None:
            return self._refuse(conn, self.script.refuse_status, "refused by script")
        return None

    async def _handler(self, ws: ServerConnection) -> None:
        request = ws.request
        assert request is not None
        record = Connection(headers=dict(request.headers.raw_items()), path=request.path)
        self.connections.append(record)
        session = _Session(self, ws, record)
        self._sessions.append(session)
        await session.run()

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        async with serve(
            self._handler,
            "127.0.0.1",
            self.port,
            process_request=self._process_request,
            max_size=None,
            compression=None,
        ) as server:
            self._server = server
            ready.set()
            await asyncio.get_running_loop().run_in_executor(None, self._stopped.wait)

    def start(self) -> None:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main(ready)), name="fake-realtime", daemon=True
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake realtime server did not start")

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def drop_all(self) -> None:
        """Close every live connection as a server failure (code 1011)."""
        assert self._loop is not None

        async def _drop() -> None:
            for session in self._sessions:
                await session.ws.close(code=1011, reason="server error")

        asyncio.run_coroutine_threadsafe(_drop(), self._loop).result(5)

    def notify(self) -> None:
        with self.changed:
            self.changed.notify_all()

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Block until `predicate()` holds (re-checked whenever a client event arrives)."""
        with self.changed:
            if not self.changed.wait_for(predicate, timeout):
                raise TimeoutError("the fake realtime service never saw the expected state")

    async def until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """`wait_until` for async tests (waits in a worker thread)."""
        await asyncio.to_thread(self.wait_until, predicate, within)

    def sent(self, kind: str) -> list[dict[str, Any]]:
        """Client events of `kind` on the latest connection ([] before any connected)."""
        return self.connections[-1].of_type(kind) if self.connections else []

    def open_connections(self) -> int:
        return sum(1 for c in self.connections if not c.closed)


@contextmanager
def fake_realtime(script: Script | None = None) -> Iterator[FakeRealtime]:
    server = FakeRealtime(script)
    server.start()
    try:
        yield server
    finally:
        server.stop()
