"""The campaign dialer: a loop that claims due contacts from the database and dials them.

Everything it knows lives in the database (contact states, `next_attempt_at`, attempts), so
any number of processes can run it and a restarted one resumes where the last one stopped.
A dial is an attempt row first and a call second: a claim whose process dies before the call
row exists is reopened; once the call row exists the attempt waits for that call to end."""

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from callcenter.calls.guardrails import GuardrailRefusal
from callcenter.calls.outbound import InvalidNumber, OutboundDialer
from callcenter.campaigns import events
from callcenter.campaigns.policy import RetryPolicy, call_outcome, judge
from callcenter.campaigns.service import CANCELLED_REASON
from callcenter.config import Settings
from callcenter.db.campaign_models import Campaign, CampaignContact, CampaignStatus, ContactState
from callcenter.db.models import Call
from callcenter.db.repo import campaign_dialing as dialing
from callcenter.db.repo import campaigns as campaigns_repo
from callcenter.db.repo import jobs
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.live.events import CallEvent
from callcenter.live.hub import LiveHub

log = logging.getLogger(__name__)

LEASE_PREFIX = "dialer:"
LEASE_KEPT = timedelta(hours=1)
SHUTDOWN_GRACE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class DialerTiming:
    tick_seconds: float = 1.0  # the longest a due contact waits when nothing wakes the loop
    window_seconds: float = 60.0  # `calls_per_minute` counts dials in this sliding window
    lease_ttl: timedelta = timedelta(seconds=15)  # a silent dialer is presumed dead after this
    defer: timedelta = timedelta(seconds=60)  # a passing limit (HTTP 429) is retried after this


DEFAULT_TIMING = DialerTiming()


@dataclass(frozen=True, slots=True)
class Claim:
    attempt_id: int
    contact_id: int
    campaign_id: int
    phone: str


class CampaignNotRunning(Exception):
    """Paused or cancelled between the claim and the dial: the call is not placed."""


class CampaignDialer:
    """One process's share of the dialling. `identity` names its lease and its claims; each
    dial goes through `outbound`, the ordinary outbound path; `hub` says when calls end."""

    def __init__(
        self,
        *,
        settings: Settings,
        outbound: OutboundDialer,
        hub: LiveHub,
        timing: DialerTiming = DEFAULT_TIMING,
    ) -> None:
        self.outbound = outbound
        self.hub = hub
        self.timing = timing
        self.identity = f"{LEASE_PREFIX}{uuid.uuid4().hex[:16]}"
        self._postgres = settings.is_postgres
        self._wake = asyncio.Event()
        self._dials: set[asyncio.Task[None]] = set()
        self._renewed_at = float("-inf")  # monotonic time of the last lease renewal

    async def run(self) -> None:
        """Dial for the life of the process; woken early by campaign and call-end events."""
        stop_listening = events.listen_for_work(lambda _campaign_id: self._wake.set())
        sink = f"campaign-dialer-{self.identity}"
        self.hub.add_sink(sink, self._on_call_event)
        log.info("campaign dialer %s started", self.identity)
        try:
            while True:
                self._wake.clear()
                try:
                    await self.tick()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("campaign dialer pass failed; trying again shortly")
                try:
                    await asyncio.wait_for(self._wake.wait(), self.timing.tick_seconds)
                except TimeoutError:
                    pass
        finally:
            stop_listening()
            self.hub.remove_sink(sink)
            # Dials under way finish being handed to the carrier (a cancelled one would leave
            # a call row no carrier ever heard of); only a stuck one is cut short.
            try:
                await asyncio.wait_for(asyncio.shield(self.drain()), SHUTDOWN_GRACE_SECONDS)
            except (TimeoutError, asyncio.CancelledError):
                for task in list(self._dials):
                    task.cancel()
                await asyncio.gather(*self._dials, return_exceptions=True)
            await asyncio.to_thread(self._release)

    async def _on_call_event(self, event: CallEvent) -> None:
        if event.kind == "call_ended":
            self._wake.set()

    async def tick(self) -> None:
        """One pass: keep the lease, recover dead claims, settle ended calls, claim and dial."""
        await asyncio.to_thread(self._housekeeping)
        running = await asyncio.to_thread(self._running)
        for campaign_id in running:
            claims = await asyncio.to_thread(self.claim_due, campaign_id)
            for claim in claims:
                task = asyncio.create_task(self._dial(claim), name=f"dial-{claim.attempt_id}")
                self._dials.add(task)
                task.add_done_callback(self._dials.discard)
            if claims:
                events.changed(campaign_id)

    async def drain(self) -> None:
        """Wait until every dial this dialer started has been handed to the carrier."""
        while self._dials:
            await asyncio.gather(*list(self._dials), return_exceptions=True)

    # --- database passes (sync, run in a thread) ------------------------------------------

    def _release(self) -> None:
        with session_scope() as session:
            jobs.release(session=session, name=self.identity, holder=self.identity)

    def _housekeeping(self) -> None:
        renew_every = self.timing.lease_ttl.total_seconds() / 3
        if time.monotonic() - self._renewed_at >= renew_every:
            self._renew_and_recover()
        self._settle()

    def _renew_and_recover(self) -> None:
        """Keep this dialer's lease; reopen claims whose dialer's lease ran out."""
        self._renewed_at = time.monotonic()
        now = utcnow()
        with session_scope() as session:
            jobs.try_acquire(
                session=session, name=self.identity, holder=self.identity, ttl=self.timing.lease_ttl
            )
            # Leases of dialers long gone (killed, never released) are of no use to anyone.
            jobs.delete_expired(session=session, prefix=LEASE_PREFIX, before=now - LEASE_KEPT)
            leases = jobs.leases_with_prefix(session=session, prefix=LEASE_PREFIX)
            live = {name for name, lease in leases.items() if lease.expires_at > now}
            live.add(self.identity)
            for attempt in dialing.stale_claims(session=session, live_holders=live):
                assert attempt.id is not None
                if dialing.abandon(
                    session=session,
                    attempt_id=attempt.id,
                    contact_id=attempt.contact_id,
                    reason=f"{attempt.holder} stopped before dialling",
                ):
                    log.info("reopened contact %s: its dialer stopped", attempt.contact_id)

    def _settle(self) -> None:
        """Tell contacts how their calls ended: retry later, done or failed."""
        changed: set[int] = set()
        with session_scope() as session:
            campaigns: dict[int, tuple[RetryPolicy, bool]] = {}
            now = utcnow()
            for dial in dialing.ended_dials(session=session):
                if dial.campaign_id not in campaigns:
                    campaign = session.get(Campaign, dial.campaign_id)
                    if campaign is None:
                        continue
                    cancelled = campaign.status == CampaignStatus.cancelled
                    campaigns[dial.campaign_id] = (RetryPolicy.of(campaign), cancelled)
                policy, cancelled = campaigns[dial.campaign_id]
                contact = session.get(CampaignContact, dial.contact_id)
                if contact is None:
                    continue
                outcome = call_outcome(dial.status, dial.answered_by)
                verdict = judge(outcome, attempts=contact.attempts, policy=policy, now=now)
                state, reason = verdict.state, None
                if cancelled and state is ContactState.retry:  # no retry will come
                    state, reason = ContactState.skipped, CANCELLED_REASON
                if dialing.settle(
                    session=session,
                    dial=dial,
                    outcome=outcome,
                    state=state,
                    next_attempt_at=verdict.next_attempt_at,
                    skip_reason=reason,
                ):
                    changed.add(dial.campaign_id)
        for campaign_id in changed:
            events.changed(campaign_id)

    def _running(self) -> list[int]:
        finished: list[int] = []
        with session_scope() as session:
            running = dialing.running_campaign_ids(session=session)
            for campaign_id in running:
                still_open = campaigns_repo.open_contacts(session=session, campaign_id=campaign_id)
                if dialing.complete_if_done(
                    session=session, campaign_id=campaign_id, open_contacts=still_open
                ):
                    log.info("campaign %s completed", campaign_id)
                    finished.append(campaign_id)
        for campaign_id in finished:
            events.changed(campaign_id)
        return [c for c in running if c not in finished]

    def claim_due(self, campaign_id: int) -> list[Claim]:
        """Claim as many due contacts as the campaign's concurrency and pace allow now."""
        now = utcnow()
        window_start = now - timedelta(seconds=self.timing.window_seconds)
        with session_scope() as session:
            campaign = dialing.lock_running(
                session=session, campaign_id=campaign_id, postgres=self._postgres
            )
            if campaign is None:
                return []
            calling = dialing.count_calling(session=session, campaign_id=campaign_id)
            paced = dialing.count_paced(
                session=session, campaign_id=campaign_id, since=window_start
            )
            room = min(campaign.max_concurrent - calling, campaign.calls_per_minute - paced)
            if room <= 0:
                return []
            claims: list[Claim] = []
            for contact in dialing.due_contacts(
                session=session, campaign_id=campaign_id, now=now, limit=room
            ):
                attempt = dialing.claim(
                    session=session, contact=contact, holder=self.identity, now=now
                )
                assert attempt.id is not None and contact.id is not None
                claims.append(Claim(attempt.id, contact.id, campaign_id, contact.phone))
            return claims

    # --- one dial ---------------------------------------------------------------------------

    async def _dial(self, claim: Claim) -> None:
        """Place the attempt's call through the ordinary outbound path (guardrails included)."""
        try:
            await self.outbound.place_call(
                to=claim.phone,
                campaign_id=claim.campaign_id,
                before_dial=BindAttempt(claim, self._postgres),
            )
        except GuardrailRefusal as exc:
            await asyncio.to_thread(self._refused, claim, exc.detail, skip=exc.status_code == 403)
        except InvalidNumber as exc:
            await asyncio.to_thread(self._refused, claim, str(exc), skip=True)
        except CampaignNotRunning:
            await asyncio.to_thread(self._abandon, claim, "the campaign stopped before dialling")
        except Exception:
            log.exception("dialling attempt %s failed", claim.attempt_id)
            await asyncio.to_thread(self._abandon, claim, "an error before dialling")
        else:
            await asyncio.to_thread(self._placed, claim)
            events.changed(claim.campaign_id)
            return
        self._wake.set()  # the contact did not take a line: there may be room for another
        events.changed(claim.campaign_id)

    def _placed(self, claim: Claim) -> None:
        with session_scope() as session:
            dialing.mark_placed(session=session, attempt_id=claim.attempt_id, at=utcnow())

    def _refused(self, claim: Claim, reason: str, *, skip: bool) -> None:
        log.info("contact %s not dialled: %s", claim.contact_id, reason)
        with session_scope() as session:
            dialing.refuse(
                session=session,
                attempt_id=claim.attempt_id,
                contact_id=claim.contact_id,
                reason=reason,
                skip=skip,
                defer=self.timing.defer,
            )

    def _abandon(self, claim: Claim, reason: str) -> None:
        with session_scope() as session:
            dialing.abandon(
                session=session,
                attempt_id=claim.attempt_id,
                contact_id=claim.contact_id,
                reason=reason,
            )


@dataclass(frozen=True, slots=True)
class BindAttempt:
    """Ties the new call row to its attempt in the same transaction, after checking that the
    campaign still runs: a pause takes effect for every dial not yet handed to the carrier."""

    claim: Claim
    postgres: bool

    def __call__(self, session: Session, call: Call) -> None:
        if not dialing.is_running(
            session=session, campaign_id=self.claim.campaign_id, postgres=self.postgres
        ):
            raise CampaignNotRunning()
        assert call.id is not None
        if not dialing.mark_dialing(
            session=session, attempt_id=self.claim.attempt_id, call_id=call.id
        ):
            raise CampaignNotRunning()  # the claim was given up meanwhile
