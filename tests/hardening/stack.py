"""The whole core on a real port — simulated Twilio (signed webhooks, real media-stream socket)
and the OpenAI provider talking to the fake Realtime service — driven from a test thread."""

import asyncio
import io
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session, select

from callcenter.api import Core, build_core, create_api
from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import Call, TranscriptTurn
from callcenter.db.session import get_engine
from callcenter.logs import JsonFormatter
from callcenter.sim.caller import CallerLine
from callcenter.sim.carrier import SimulatedCall, SimulatorCarrier
from tests.fakes.realtime_server import API_KEY, FakeRealtime, Reply, Script
from tests.support.app_server import RunningServer, serve_in_thread
from tests.support.servers import free_port

T = TypeVar("T")

TWILIO_TOKEN = "twilio-auth-token-for-hardening-0123"
GREETING = "Thanks for calling Acme, who am I speaking with?"
SPEECH = bytes([0x22]) * 160  # a 20 ms μ-law frame the fake's VAD hears as speech


@dataclass
class TalkingCaller:
    """Waits for the agent's first words, says `speak_ms` of audio, then listens until the
    call ends (or `stay` seconds pass, then hangs up). Keeps how much agent audio it heard."""

    speak_ms: int = 600
    stay: float = 20.0
    press: str | None = None  # a keypad digit to press instead of speaking
    heard_bytes: int = 0
    heard_first: asyncio.Event = field(default_factory=asyncio.Event)
    hung_up: bool = False
    answered_by: str = "human"

    async def __call__(self, line: CallerLine) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.stay
        acted = False
        while not line.ended and loop.time() < deadline:
            # Short reads: an empty one means the agent has finished its sentence.
            chunk = await line.hear(timeout=min(0.3, max(0.01, deadline - loop.time())))
            if chunk is None:
                return
            self.heard_bytes += len(chunk)
            if chunk:
                self.heard_first.set()
            elif self.heard_first.is_set() and not acted:
                acted = True
                if self.press:
                    await line.press(self.press)
                elif self.speak_ms:
                    await line.say(SPEECH * (self.speak_ms // 20))
        self.hung_up = True
        await line.hang_up()

    @property
    def heard_seconds(self) -> float:
        return self.heard_bytes / 8000


@dataclass
class Stack:
    server: RunningServer
    core: Core
    fake: FakeRealtime | None
    logs: io.StringIO

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def carrier(self) -> SimulatorCarrier:
        assert isinstance(self.core.carrier, SimulatorCarrier)
        return self.core.carrier

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run `coro` on the server's event loop (where the simulated Twilio lives)."""
        assert self.server.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.server.loop).result(timeout)

    def place_call(self, caller: Any) -> SimulatedCall:
        return self.run(self.carrier.place_inbound_call(caller=caller))

    def wait(self, call: SimulatedCall, timeout: float = 45) -> None:
        self.run(call.wait(timeout), timeout + 5)

    def call_row(self, call_sid: str) -> Call:
        with Session(get_engine()) as session:
            row = session.exec(select(Call).where(Call.call_sid == call_sid)).one()
            return row

    def turns(self, call_id: int) -> list[TranscriptTurn]:
        with Session(get_engine()) as session:
            query = select(TranscriptTurn).where(TranscriptTurn.call_id == call_id)
            return list(session.exec(query.order_by(TranscriptTurn.id)).all())  # type: ignore[arg-type]


def greeting_script(**changes: Any) -> Script:
    base: dict[str, Any] = {
        "replies": [Reply(GREETING, audio_ms=600), Reply("Nice to meet you, Ada.", audio_ms=600)],
        "caller_says": ["My name is Ada Lovelace."],
        "chunk_ms": 100,
        "pace": 1.0,
    }
    return Script(**{**base, **changes})


@contextmanager
def running_stack(
    env: dict[str, str],
    script: Script | None,
    *,
    configure: Callable[[Core], None] | None = None,
    **overrides: str,
) -> Iterator[Stack]:
    """Serve the core with signature checks on and the voice engine pointed at a fake
    Realtime service (`script=None`: the local engine); every log line is captured as JSON."""
    fake = FakeRealtime(script) if script is not None else None
    if fake is not None:
        fake.start()
    port = free_port()
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    env["TWILIO_AUTH_TOKEN"] = TWILIO_TOKEN
    env["CARRIER"] = "simulator"
    env["COMPANY_NAME"] = "Acme"
    if fake is not None:
        env["OPENAI_API_KEY"] = API_KEY
        env["OPENAI_BASE_URL"] = fake.base_url
        env["VOICE_ENGINE"] = "openai"
    for key, value in overrides.items():
        env[key] = value
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    core = build_core(settings)
    if configure is not None:
        configure(core)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        app = create_api(settings, core)
        root.setLevel(logging.DEBUG)  # after create_api, which sets the configured level
        with serve_in_thread(app, port=port) as server:
            # uvicorn's own loggers do not propagate: its "Exception in ASGI application"
            # lines must be captured too.
            server_log = logging.getLogger("uvicorn.error")
            server_log.addHandler(handler)
            try:
                yield Stack(server=server, core=core, fake=fake, logs=stream)
            finally:
                server_log.removeHandler(handler)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        if fake is not None:
            fake.stop()


@dataclass
class RemoteCaller:
    """A caller the test steers from its own thread: `stack.run(caller.say(ms))`,
    `stack.run(caller.hang_up())`; counts the agent audio it hears."""

    heard_bytes: int = 0
    heard_first: asyncio.Event = field(default_factory=asyncio.Event)
    quiet: asyncio.Event = field(default_factory=asyncio.Event)
    answered_by: str = "human"
    _line: CallerLine | None = None
    _done: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, line: CallerLine) -> None:
        self._line = line
        while not line.ended and not self._done.is_set():
            chunk = await line.hear(timeout=0.3)
            if chunk is None:
                break
            self.heard_bytes += len(chunk)
            if chunk:
                self.heard_first.set()
                self.quiet.clear()
            elif self.heard_first.is_set():
                self.quiet.set()  # the agent finished a sentence
        self._done.set()

    async def say(self, ms: int) -> None:
        assert self._line is not None
        self.quiet.clear()
        await self._line.say(SPEECH * (ms // 20))

    async def wait_heard(self, at_least: int, timeout: float = 20) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            # The line gives no event per byte: a bounded poll.
            while self.heard_bytes < at_least:  # noqa: ASYNC110
                await asyncio.sleep(0.02)

    async def wait_quiet(self, timeout: float = 20) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            await self.quiet.wait()

    async def hang_up(self) -> None:
        if self._line is not None:
            await self._line.hang_up()
        self._done.set()


def wait_server_side(stack: Stack, timeout: float = 45) -> None:
    """Until the app has finished every call (bridges closed, turns flushed)."""

    async def _wait() -> None:
        if not await stack.core.live_calls.wait_empty(timeout):
            raise TimeoutError(f"calls still live after {timeout} s")

    stack.run(_wait(), timeout + 5)


def eventually(predicate: Callable[[], bool], timeout: float = 20, what: str = "") -> None:
    """Poll a database condition (the database gives no event), bounded by `timeout`."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.05)
