"""Fixtures for voice tests: the fake Realtime service, a call row, a recording carrier."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from callcenter.api import Core, build_core
from callcenter.calls.carrier import CallPrice, DialResult
from callcenter.config import Settings, get_settings
from callcenter.db.models import CallDirection, CallStatus
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.live.hub import LiveHub
from tests.fakes.realtime_server import API_KEY, FakeRealtime, Script
from tests.voice.phone_line import PhoneLine


@pytest.fixture
def start_fake() -> Iterator[Callable[[Script], FakeRealtime]]:
    """Start a fake Realtime service with a script (stopped after the test)."""
    started: list[FakeRealtime] = []

    def _start(script: Script) -> FakeRealtime:
        server = FakeRealtime(script)
        server.start()
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


@pytest.fixture
def voice_settings(env: dict[str, str], migrated: Settings) -> Callable[[FakeRealtime], Settings]:
    def _point_at(fake: FakeRealtime) -> Settings:
        env["OPENAI_API_KEY"] = API_KEY
        env["OPENAI_BASE_URL"] = fake.base_url
        env["COMPANY_NAME"] = "Acme Plumbing Supplies"
        return get_settings()

    return _point_at


StartVoiced = Callable[[Script], tuple[FakeRealtime, Settings]]


@pytest.fixture
def start_voiced(
    start_fake: Callable[[Script], FakeRealtime],
    voice_settings: Callable[[FakeRealtime], Settings],
) -> StartVoiced:
    """Start a fake Realtime service with a script and point the settings at it."""

    def _start(script: Script) -> tuple[FakeRealtime, Settings]:
        fake = start_fake(script)
        return fake, voice_settings(fake)

    return _start


@dataclass
class RecordingCarrier:
    """A carrier that ends the in-memory line when asked to hang up, and remembers it."""

    name: str = "recording"
    line: PhoneLine | None = None
    hang_ups: list[str] = field(default_factory=list)
    transfers: list[tuple[str, str]] = field(default_factory=list)

    async def dial(self, *, to: str, from_: str, call_id: int) -> DialResult:
        return DialResult(call_sid="CA-recording", status="queued")

    async def hang_up(self, call_sid: str) -> None:
        self.hang_ups.append(call_sid)
        if self.line is not None:
            self.line.carrier_ended()

    async def transfer(self, call_sid: str, to: str) -> None:
        self.transfers.append((call_sid, to))
        if self.line is not None:
            self.line.carrier_ended()

    async def say_and_hang_up(self, call_sid: str, message: str) -> None:
        await self.hang_up(call_sid)

    async def call_price(self, call_sid: str) -> CallPrice | None:
        return None  # no price reported

    async def aclose(self) -> None:
        return None


class NoEmail:
    async def send(self, message: object) -> str:
        return "none"


def make_call(direction: str = "inbound", call_sid: str = "CA" + "1" * 32) -> int:
    with session_scope() as session:
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection(direction),
            from_number="+15551230001",
            to_number="+15551230002",
            status=CallStatus.in_progress,
            call_sid=call_sid,
        )
        call.answered_at = utcnow()
        assert call.id is not None
        return call.id


def make_core(settings: Settings, carrier: RecordingCarrier) -> Core:
    return build_core(
        settings,
        carrier=carrier,
        email_sender=NoEmail(),  # type: ignore[arg-type]
        hub=LiveHub(),
    )
