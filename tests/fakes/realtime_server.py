"""A fake OpenAI Realtime service (GA protocol) on a real websocket, scripted by tests.

It checks the handshake like the real service (Bearer key, `model` query, no `OpenAI-Beta`
header), rejects beta-shaped `session.update` fields, runs a simple server VAD over the μ-law
the client appends (any byte louder than a quiet line's hiss is speech; 500 ms of silence ends
a turn; `create_response` / `interrupt_response` honoured, on by default), answers with scripted
replies (audio deltas, transcript, optional tool call), and records every client event.
Drop, stall (the model stops answering; VAD still reports) and refusal are scriptable; an
append that is not base64 gets an `error` event and the session goes on.
"""

import asyncio
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from tests.fakes.realtime_script import API_KEY, BETA_SESSION_FIELDS, Connection, Reply, Script
from tests.fakes.realtime_session import RealtimeSession
from tests.support.servers import free_port

__all__ = ["API_KEY", "BETA_SESSION_FIELDS", "Connection", "FakeRealtime", "Reply", "Script"]


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
        self._sessions: list[RealtimeSession] = []
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
        session = RealtimeSession(self, ws, record)
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

    @property
    def sessions(self) -> list[RealtimeSession]:
        """The server side of each connection, in order."""
        return list(self._sessions)

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
