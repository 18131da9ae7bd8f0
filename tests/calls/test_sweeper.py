"""Crash safety: calls a dead process left in progress are closed with everything said kept;
calls another live process serves are never touched; one sweeper runs at a time."""

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import select

from callcenter.api import Core, build_core
from callcenter.calls import sweeper
from callcenter.calls.registry import LiveCallSnapshot
from callcenter.calls.sweeper import Heartbeat, Sweeper, SweepTiming, call_lease_name
from callcenter.config import Settings
from callcenter.db.models import (
    Call,
    CallDirection,
    CallStatus,
    EndReason,
    JobLease,
    OutboxMessage,
    TranscriptTurn,
)
from callcenter.db.repo import jobs
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow

FAST = SweepTiming(
    heartbeat_interval=0.05,
    renew_interval=0.2,
    call_lease_ttl=timedelta(seconds=2),
    sweep_interval=0.2,
    unclaimed_grace=timedelta(seconds=30),
    finalize_grace=timedelta(seconds=0),
)


def _dead_local_holder() -> str:
    # A pid that cannot exist (above pid_max) on this host and pid namespace.
    return f"{sweeper._host()}|{sweeper._pid_namespace()}|{2**22 + 7}|deadbeef"


@pytest.fixture
def core(migrated: Settings) -> Iterator[Core]:
    yield build_core(migrated)


def _call(
    *,
    status: CallStatus = CallStatus.in_progress,
    age: timedelta = timedelta(seconds=0),
    lease_holder: str | None = None,
    lease_expires_in: timedelta = timedelta(seconds=60),
    turns: int = 0,
) -> int:
    started = utcnow() - age
    with session_scope() as session:
        call = Call(
            direction=CallDirection.inbound,
            call_sid=f"CA{os.urandom(8).hex()}",
            from_number="+12125551234",
            to_number="+14155550123",
            status=status,
            started_at=started,
            answered_at=started if status == CallStatus.in_progress else None,
            updated_at=started,
        )
        session.add(call)
        session.flush()
        assert call.id is not None
        for n in range(turns):
            role = "agent" if n % 2 == 0 else "caller"
            text = "Hello, how can I help?" if role == "agent" else "My name is Ada Lovelace."
            session.add(
                TranscriptTurn(
                    call_id=call.id, turn_key=f"t{n}", role=role, text=text, started_at=started
                )
            )
        if lease_holder:
            session.add(
                JobLease(
                    name=call_lease_name(call.id),
                    holder=lease_holder,
                    expires_at=utcnow() + lease_expires_in,
                )
            )
        return call.id


def _get(call_id: int) -> Call:
    with session_scope() as session:
        call = session.get(Call, call_id)
        assert call is not None
        return call


async def test_a_call_left_by_a_dead_local_process_is_closed_and_keeps_its_turns(
    core: Core, env: dict[str, str]
) -> None:
    call_id = _call(lease_holder=_dead_local_holder(), turns=4)
    closed = await Sweeper(core.life, sweeper.new_holder(), FAST).sweep_once()
    assert closed == [call_id]
    call = _get(call_id)
    assert (call.status, call.end_reason) == (CallStatus.failed, EndReason.error)
    assert call.ended_at is not None and call.error_message == sweeper.ORPHAN_DETAIL
    assert call.finalized_at is not None  # lead + emails step ran
    with session_scope() as session:
        turns = session.exec(select(TranscriptTurn).where(TranscriptTurn.call_id == call_id)).all()
        assert len(turns) == 4
        assert jobs.get_lease(session=session, name=call_lease_name(call_id)) is None


@pytest.mark.parametrize(
    ("kind", "swept"),
    [
        ("live-process-elsewhere", False),
        ("expired-lease-elsewhere", True),
        ("unclaimed-just-started", False),
        ("unclaimed-and-quiet", True),
        ("ringing-a-minute", False),
        ("ringing-for-ages", True),
        ("this-process", False),
    ],
)
async def test_only_calls_nobody_serves_are_swept(core: Core, kind: str, swept: bool) -> None:
    other_host = "another-host|4026531836|123|cafe0001"
    call_id = {
        "live-process-elsewhere": lambda: _call(lease_holder=other_host, age=timedelta(hours=1)),
        "expired-lease-elsewhere": lambda: _call(
            lease_holder=other_host, lease_expires_in=timedelta(seconds=-1)
        ),
        "unclaimed-just-started": lambda: _call(age=timedelta(seconds=5)),
        "unclaimed-and-quiet": lambda: _call(age=timedelta(seconds=45)),
        "ringing-a-minute": lambda: _call(status=CallStatus.ringing, age=timedelta(minutes=1)),
        "ringing-for-ages": lambda: _call(status=CallStatus.ringing, age=timedelta(minutes=20)),
        "this-process": lambda: _call(lease_holder=sweeper.new_holder(), age=timedelta(hours=1)),
    }[kind]()
    closed = await Sweeper(core.life, sweeper.new_holder(), FAST).sweep_once()
    assert (call_id in closed) is swept
    assert (_get(call_id).status == CallStatus.failed) is swept


async def test_only_one_sweeper_at_a_time(core: Core) -> None:
    call_id = _call(lease_holder=_dead_local_holder())
    first, second = Sweeper(core.life, "a|x|1|a", FAST), Sweeper(core.life, "b|x|2|b", FAST)
    assert await asyncio.to_thread(first._take_lease)
    assert await second.sweep_once() == []
    assert _get(call_id).status == CallStatus.in_progress
    assert await first.sweep_once() == [call_id]


async def test_an_ended_call_nobody_finalised_gets_its_lead_and_emails(
    core: Core, env: dict[str, str]
) -> None:
    env["TEAM_NOTIFY_EMAILS"] = "team@example.com"
    core = build_core(Settings())
    call_id = _call(turns=2)
    with session_scope() as session:
        call = session.get(Call, call_id)
        assert call is not None
        call.status, call.end_reason = CallStatus.completed, EndReason.caller_hung_up
        call.ended_at = utcnow() - timedelta(minutes=5)
    await Sweeper(core.life, sweeper.new_holder(), FAST).sweep_once()
    call = _get(call_id)
    assert call.finalized_at is not None and call.status == CallStatus.completed
    with session_scope() as session:
        notes = session.exec(select(OutboxMessage).where(OutboxMessage.call_id == call_id)).all()
    assert [m.to_address for m in notes] == ["team@example.com"]


@dataclass
class StandInCall:
    """A live call as the registry sees it, with no media behind it."""

    call_id: int

    async def end(self, reason: EndReason) -> None:
        return None

    async def wind_up(self, reason: EndReason) -> None:
        return None

    def snapshot(self) -> LiveCallSnapshot:
        return LiveCallSnapshot(self.call_id, "", 0, 0, False, False)


def test_the_heartbeat_leases_exactly_the_calls_this_process_bridges(
    core: Core,
) -> None:
    holder = sweeper.new_holder()
    beat = Heartbeat(core.live_calls, holder, FAST)
    core.live_calls.add(StandInCall(41))
    core.live_calls.add(StandInCall(42))
    beat.beat(100.0)
    with session_scope() as session:
        leases = jobs.leases_with_prefix(session=session, prefix="call:")
    assert sorted(leases) == ["call:41", "call:42"]
    assert {lease.holder for lease in leases.values()} == {holder}
    core.live_calls.remove(41)
    beat.beat(100.01)
    with session_scope() as session:
        assert sorted(jobs.leases_with_prefix(session=session, prefix="call:")) == ["call:42"]
    beat.release_all()
    with session_scope() as session:
        assert jobs.leases_with_prefix(session=session, prefix="call:") == {}


async def test_the_background_sweeper_closes_orphans_at_start_up(core: Core) -> None:
    call_id = _call(lease_holder=_dead_local_holder(), turns=2)
    task = asyncio.create_task(sweeper.run_orphan_sweeper(core.life, timing=FAST))
    try:
        async with asyncio.timeout(10):
            # The database gives no event: a bounded poll.
            while _get(call_id).status != CallStatus.failed:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    with session_scope() as session:
        assert jobs.get_lease(session=session, name=sweeper.SWEEPER_LEASE) is None


@pytest.mark.postgres
async def test_leases_are_exclusive_on_postgresql(pg_env: dict[str, str]) -> None:
    from callcenter.db.migrate import upgrade_to_head

    settings = Settings()
    upgrade_to_head(settings.database_url)

    def _grab(holder: str) -> bool:
        with session_scope() as session:
            return jobs.try_acquire(
                session=session, name="race", holder=holder, ttl=timedelta(seconds=30)
            )

    results = await asyncio.gather(*(asyncio.to_thread(_grab, f"h{n}") for n in range(8)))
    assert sum(results) == 1


async def test_leases_left_by_long_gone_processes_are_cleaned_up(core: Core) -> None:
    with session_scope() as session:
        session.add(
            JobLease(name="call:999", holder="x|y|1|z", expires_at=utcnow() - timedelta(hours=2))
        )
        session.add(
            JobLease(name="call:998", holder="x|y|1|z", expires_at=utcnow() + timedelta(seconds=30))
        )
    await Sweeper(core.life, sweeper.new_holder(), FAST).sweep_once()
    with session_scope() as session:
        assert sorted(jobs.leases_with_prefix(session=session, prefix="call:")) == ["call:998"]
