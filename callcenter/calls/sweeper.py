"""Crash safety: close calls a dead process left in progress, and finish post-call work it
never did. Every process leases the calls it is bridging (a heartbeat); one process at a time
(a lease too) sweeps calls whose owner's lease ran out, or whose owner is a dead local pid."""

import asyncio
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlmodel import Session, col, select

from callcenter.calls.life import CallLife
from callcenter.calls.records import EndGuard
from callcenter.calls.registry import LiveCalls
from callcenter.db.models import ACTIVE_STATUSES, FINAL_STATUSES, Call, CallStatus, EndReason
from callcenter.db.repo import jobs
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow

log = logging.getLogger(__name__)

SWEEPER_LEASE = "orphan-sweeper"
CALL_LEASE_PREFIX = "call:"
ORPHAN_DETAIL = "the process serving this call stopped"


@dataclass(frozen=True)
class SweepTiming:
    """How often things happen. A dead process's calls are closed within
    `call_lease_ttl + sweep_interval` (or at once when it was on this host)."""

    heartbeat_interval: float = 1.0  # how often this process compares its bridged calls
    renew_interval: float = 5.0  # how often it renews their leases
    call_lease_ttl: timedelta = timedelta(seconds=15)
    sweep_interval: float = 5.0
    # A call with no lease at all gets this long after its last change before it counts as
    # orphaned (covers the moment between the stream starting and the first heartbeat, which
    # comes within `heartbeat_interval`).
    unclaimed_grace: timedelta = timedelta(seconds=10)
    # Ringing / queued calls nobody claimed are closed after this long.
    stale_ringing: timedelta = timedelta(minutes=15)
    # Ended calls get this long for their own process to finalise them before the sweeper does.
    finalize_grace: timedelta = timedelta(seconds=60)
    finalize_attempts: int = 3


DEFAULT_TIMING = SweepTiming()


@lru_cache(maxsize=1)
def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
    except OSError:
        return "-"


def _host() -> str:
    return socket.gethostname()[:40]


def new_holder() -> str:
    """An identity for this process: host, pid namespace, pid and a random tag."""
    return f"{_host()}|{_pid_namespace()}|{os.getpid()}|{uuid.uuid4().hex[:8]}"


def holder_is_dead_locally(holder: str) -> bool:
    """True only when `holder` was a process on this host (same pid namespace) that is gone."""
    parts = holder.split("|")
    if len(parts) != 4 or parts[0] != _host() or parts[1] != _pid_namespace():
        return False
    if not (parts[2].isascii() and parts[2].isdigit()):
        return False
    pid = int(parts[2])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def call_lease_name(call_id: int) -> str:
    """The lease a process holds on each call it is bridging."""
    return f"{CALL_LEASE_PREFIX}{call_id}"


# --- the heartbeat: this process says which calls it is serving ------------------------------


@dataclass
class Heartbeat:
    """Keeps a lease on every call bridged in this process (its `LiveCalls`)."""

    live_calls: LiveCalls
    holder: str
    timing: SweepTiming = DEFAULT_TIMING
    claimed: set[int] = field(default_factory=set)
    renewed_at: float = 0.0

    def beat(self, now_mono: float) -> None:
        """Claim new calls, release ended ones, renew the rest when due (sync; in a thread)."""
        current = self.live_calls.ids()
        added, gone = current - self.claimed, self.claimed - current
        due = now_mono - self.renewed_at >= self.timing.renew_interval
        if not (added or gone or (due and current)):
            return
        with session_scope() as session:
            for call_id in sorted(current if due else added):
                jobs.try_acquire(
                    session=session,
                    name=call_lease_name(call_id),
                    holder=self.holder,
                    ttl=self.timing.call_lease_ttl,
                )
            jobs.release_many(
                session=session, names=[call_lease_name(c) for c in gone], holder=self.holder
            )
        self.claimed = current
        if due:
            self.renewed_at = now_mono

    def release_all(self) -> None:
        with session_scope() as session:
            jobs.release_many(
                session=session,
                names=[call_lease_name(c) for c in self.claimed],
                holder=self.holder,
            )
        self.claimed = set()


# --- the sweep: close orphans, finalise what was never finalised ------------------------------


def _last_change(call: Call) -> datetime:
    return max(t for t in (call.started_at, call.answered_at, call.updated_at) if t is not None)


def find_orphans(
    *, session: Session, timing: SweepTiming = DEFAULT_TIMING, now: datetime | None = None
) -> list[int]:
    """Ids of active calls no live process is serving."""
    now = now or utcnow()
    active = session.exec(
        select(Call).where(col(Call.status).in_([s.value for s in ACTIVE_STATUSES]))
    ).all()
    leases = jobs.leases_with_prefix(session=session, prefix=CALL_LEASE_PREFIX)
    orphans: list[int] = []
    for call in active:
        assert call.id is not None
        lease = leases.get(call_lease_name(call.id))
        if lease is not None:
            if lease.expires_at < now or holder_is_dead_locally(lease.holder):
                orphans.append(call.id)
            continue
        quiet = now - _last_change(call)
        limit = timing.unclaimed_grace
        if call.status != CallStatus.in_progress:
            limit = timing.stale_ringing
        if quiet > limit:
            orphans.append(call.id)
    return orphans


def still_orphaned(timing: SweepTiming) -> EndGuard:
    """The sweeper's guard: re-checked in the ending transaction, so a call whose owner
    renewed its lease meanwhile is left alone; the call's lease goes with it."""

    def guard(session: Session, call: Call) -> bool:
        assert call.id is not None
        if call.id not in find_orphans(session=session, timing=timing):
            return False
        lease = jobs.get_lease(session=session, name=call_lease_name(call.id))
        if lease is not None:
            session.delete(lease)
        return True

    return guard


async def close_orphan(
    life: CallLife, call_id: int, *, timing: SweepTiming = DEFAULT_TIMING
) -> Call | None:
    """End an orphaned call `failed` / `error` (its turns stay); None if it is not one."""
    return await life.end(
        call_id,
        reason=EndReason.error,
        status=CallStatus.failed,
        source="sweeper",
        detail=ORPHAN_DETAIL,
        error=ORPHAN_DETAIL,
        guard=still_orphaned(timing),
        reason_wins=True,
    )


def unfinalized_calls(
    *, session: Session, timing: SweepTiming = DEFAULT_TIMING, limit: int = 50
) -> list[int]:
    """Ended calls nobody finalised (their process died between hang-up and the lead)."""
    cutoff = utcnow() - timing.finalize_grace
    query = (
        select(Call.id)
        .where(
            col(Call.status).in_([s.value for s in FINAL_STATUSES]),
            col(Call.ended_at).is_not(None),
            col(Call.ended_at) < cutoff,
            col(Call.finalized_at).is_(None),
        )
        .order_by(col(Call.ended_at))
        .limit(limit)
    )
    return [int(call_id) for call_id in session.exec(query).all() if call_id is not None]


@dataclass
class Sweeper:
    """One pass = take the sweeper lease (or skip), close orphans, finalise leftovers."""

    life: CallLife
    holder: str
    timing: SweepTiming = DEFAULT_TIMING
    attempts: dict[int, int] = field(default_factory=dict)

    def _take_lease(self) -> bool:
        ttl = timedelta(seconds=self.timing.sweep_interval * 3)
        with session_scope() as session:
            if jobs.try_acquire(session=session, name=SWEEPER_LEASE, holder=self.holder, ttl=ttl):
                return True
            # A sweeper killed on this host would otherwise block sweeping until its lease ran
            # out, eating into the 30 s in which its orphaned calls must be closed.
            lease = jobs.get_lease(session=session, name=SWEEPER_LEASE)
            if lease is None or not holder_is_dead_locally(lease.holder):
                return False
            session.delete(lease)
            session.flush()
            return jobs.try_acquire(
                session=session, name=SWEEPER_LEASE, holder=self.holder, ttl=ttl
            )

    def _orphans(self) -> list[int]:
        with session_scope() as session:
            return find_orphans(session=session, timing=self.timing)

    def _forget_stale_leases(self) -> None:
        with session_scope() as session:
            jobs.delete_expired(
                session=session,
                prefix=CALL_LEASE_PREFIX,
                before=utcnow() - self.timing.stale_ringing,
            )

    def _leftovers(self) -> list[int]:
        with session_scope() as session:
            ids = unfinalized_calls(session=session, timing=self.timing)
        return [i for i in ids if self.attempts.get(i, 0) < self.timing.finalize_attempts]

    async def sweep_once(self) -> list[int]:
        """Returns the ids of the calls it closed."""
        if not await asyncio.to_thread(self._take_lease):
            return []
        closed: list[int] = []
        for call_id in await asyncio.to_thread(self._orphans):
            call = await close_orphan(self.life, call_id, timing=self.timing)
            if call is None:
                continue
            closed.append(call_id)
            log.warning(
                "closed call %s left in progress by a stopped process",
                call_id,
                extra={"call_sid": call.call_sid, "call_id": call_id},
            )
            await self.life.run_after_call(call_id)
        await asyncio.to_thread(self._forget_stale_leases)
        for call_id in await asyncio.to_thread(self._leftovers):
            self.attempts[call_id] = self.attempts.get(call_id, 0) + 1
            log.info("finalising call %s that ended without it", call_id)
            await self.life.run_after_call(call_id)
        return closed

    def release(self) -> None:
        with session_scope() as session:
            jobs.release(session=session, name=SWEEPER_LEASE, holder=self.holder)


async def run_orphan_sweeper(
    life: CallLife, *, timing: SweepTiming = DEFAULT_TIMING, holder: str | None = None
) -> None:
    """For the life of the process: heartbeat this process's calls; sweep when holding the
    sweeper lease (at once at start-up, then every `sweep_interval`)."""
    holder = holder or new_holder()
    heartbeat = Heartbeat(life.live_calls, holder, timing)
    sweeper = Sweeper(life, holder, timing)
    loop = asyncio.get_running_loop()
    next_sweep = loop.time()
    try:
        while True:
            try:
                await asyncio.to_thread(heartbeat.beat, loop.time())
                if loop.time() >= next_sweep:
                    next_sweep = loop.time() + timing.sweep_interval
                    await sweeper.sweep_once()
            except Exception as exc:  # the database may be down for a while: keep going
                log.warning("orphan sweeper pass failed: %s", type(exc).__name__)
            await asyncio.sleep(timing.heartbeat_interval)  # a timer, not a wait for an event
    finally:
        try:
            await asyncio.to_thread(heartbeat.release_all)
            await asyncio.to_thread(sweeper.release)
        except Exception:
            log.warning("could not release the sweeper's leases at shutdown")
