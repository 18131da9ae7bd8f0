"""Starting a bridged call on an in-memory phone line, and reading back what the call stored."""

import asyncio

from sqlmodel import select

from callcenter.api import Core
from callcenter.config import Settings
from callcenter.db.models import Call, TranscriptTurn
from callcenter.db.session import session_scope
from tests.fakes.realtime_server import Reply, Script
from tests.voice.conftest import RecordingCarrier, StartVoiced, make_call, make_core
from tests.voice.phone_line import PhoneLine

GREETING = "Hello, thanks for calling Acme Plumbing Supplies. How can I help?"


def turns(call_id: int) -> list[TranscriptTurn]:
    with session_scope() as session:
        rows = session.exec(
            select(TranscriptTurn)
            .where(TranscriptTurn.call_id == call_id)
            .order_by(TranscriptTurn.started_at)  # type: ignore[arg-type]
        ).all()
        return list(rows)


def call_row(call_id: int) -> Call:
    with session_scope() as session:
        call = session.get(Call, call_id)
        assert call is not None
        return call


async def start_bridge(
    settings: Settings, direction: str = "inbound", speed: float = 4.0
) -> tuple[PhoneLine, RecordingCarrier, asyncio.Task[None], int]:
    line, carrier, task, call_id, _ = await start_bridge_with_core(settings, direction, speed)
    return line, carrier, task, call_id


async def start_bridge_with_core(
    settings: Settings, direction: str = "inbound", speed: float = 4.0
) -> tuple[PhoneLine, RecordingCarrier, asyncio.Task[None], int, Core]:
    call_id = make_call(direction)
    line = PhoneLine(call_id=call_id, call_sid="CA" + "1" * 32, direction=direction, speed=speed)
    carrier = RecordingCarrier(line=line)
    core = make_core(settings, carrier)
    line.start()
    task = asyncio.create_task(core.connector.run(line), name="bridge-under-test")
    return line, carrier, task, call_id, core


async def start_stalling_call(
    env: dict[str, str], start_voiced: StartVoiced
) -> tuple[PhoneLine, RecordingCarrier, asyncio.Task[None], int]:
    """A call whose service greets, then never answers again (a stall counts after 0.5 s)."""
    env["REALTIME_STALL_SECONDS"] = "0.5"
    _, settings = start_voiced(
        Script(replies=[Reply(GREETING, audio_ms=200)], stall_after_responses=1)
    )
    return await start_bridge(settings, speed=8.0)
