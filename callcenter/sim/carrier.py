"""`SimulatorCarrier`: plays Twilio for calls without an account, against our own endpoints.

It posts the real (signed) webhooks, executes the TwiML it gets back, opens the media stream
with a signed handshake, sends status callbacks in Twilio's order and answers REST requests
(hang-up, transfer, redirect). The caller's audio comes from a pluggable `SimulatedCaller`.
"""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from callcenter.calls.carrier import CallPrice, CarrierError, DialResult
from callcenter.config import Settings
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.sim.call import SimulatedCall
from callcenter.sim.caller import SimulatedCaller
from callcenter.sim.callers import silence_caller
from callcenter.sim.http import WebhookClient
from callcenter.sim.line import SimulatedLine, new_sid
from callcenter.sim.twiml import (
    DialVerb,
    HangupVerb,
    PauseVerb,
    SayVerb,
    StreamVerb,
    TwimlError,
    Verb,
    parse_twiml,
)
from callcenter.telephony import twiml
from callcenter.telephony.signature import sign

log = logging.getLogger(__name__)

SIMULATOR_ACCOUNT_SID = "AC" + "0" * 32
SIMULATOR_NUMBER = "+15005550006"
NOT_IN_PROGRESS = 21220  # Twilio: "Call is not in-progress. Cannot redirect."
CALL_NOT_FOUND = 20404  # Twilio: "The requested resource was not found"
SAY_SECONDS_PER_CHAR = 0.06
# What a simulated call costs at the carrier: about a minute of a US number's voice rate.
SIMULATED_PRICE = CallPrice(amount=Decimal("0.0140"), unit="USD")


def _on_account(call_sid: str) -> bool:
    """True when a simulator sharing this database carried the call (its record has the sid)."""
    with session_scope() as session:
        return calls_repo.get_call_by_sid(session=session, call_sid=call_sid) is not None


@dataclass(frozen=True, slots=True)
class SimCallInfo:
    """What a caller factory knows about the call it is picking a caller for."""

    call_sid: str
    direction: str  # "inbound" | "outbound"
    from_number: str
    to_number: str


CallerFactory = Callable[[SimCallInfo], SimulatedCaller]


def _default_factory(info: SimCallInfo) -> SimulatedCaller:
    return silence_caller(8.0)


_caller_factory: CallerFactory = _default_factory


def set_default_caller_factory(factory: CallerFactory | None) -> None:
    """Choose who answers simulated calls in this process (None restores silence)."""
    global _caller_factory
    _caller_factory = factory or _default_factory


def default_caller_factory() -> CallerFactory:
    return _caller_factory


class SimulatorCarrier:
    """The embedded carrier: Twilio's behaviour, played against PUBLIC_BASE_URL."""

    name = "simulator"

    def __init__(
        self,
        settings: Settings,
        *,
        caller_factory: CallerFactory | None = None,
        ring_seconds: float = 0.2,
        keep_sent_messages: bool = False,
        price: CallPrice | None = SIMULATED_PRICE,
    ) -> None:
        self._settings = settings
        self.caller_factory = caller_factory
        self._ring_seconds = ring_seconds
        self._keep_sent = keep_sent_messages
        self.price = price  # what every ended call costs (None: no price reported, ever)
        self.account_sid = settings.twilio_account_sid or SIMULATOR_ACCOUNT_SID
        self.say_seconds_per_char = SAY_SECONDS_PER_CHAR
        self.calls: dict[str, SimulatedCall] = {}

    # --- the Carrier protocol (Twilio's REST API) ----------------------------------------

    async def dial(self, *, to: str, from_: str, call_id: int) -> DialResult:
        call = SimulatedCall(
            call_sid=new_sid("CA"), direction="outbound", from_number=from_, to_number=to
        )
        caller = self._pick_caller(call)
        self._start(call, self._run_outbound(call, caller))
        return DialResult(call_sid=call.call_sid, status="queued")

    async def call_price(self, call_sid: str) -> CallPrice | None:
        """The configured price of a call on the simulated account (at once: Twilio takes a
        while, the simulator does not); a call the account never carried is refused, as Twilio
        does (20404). The account spans the processes sharing the database: `call` and
        `simulate` dial from a simulator of their own while the running app bridges the call
        and asks for its price."""
        if call_sid not in self.calls and not await asyncio.to_thread(_on_account, call_sid):
            raise CarrierError("The requested call was not found", code=CALL_NOT_FOUND)
        return self.price

    async def hang_up(self, call_sid: str) -> None:
        call = self.calls.get(call_sid)
        if call is None or call.ended.is_set():
            return  # Twilio answers 20404 here, which callers treat as "already ended"
        call.pending_twiml = twiml.hang_up()
        self._interrupt(call)

    async def transfer(self, call_sid: str, to: str) -> None:
        self._redirect(call_sid, twiml.dial(to))

    async def say_and_hang_up(self, call_sid: str, message: str) -> None:
        self._redirect(call_sid, twiml.say_and_hang_up(message))

    def _redirect(self, call_sid: str, document: str) -> None:
        call = self.calls.get(call_sid)
        if call is None or call.ended.is_set() or call.status != "in-progress":
            raise CarrierError("call is not in progress; cannot redirect", code=NOT_IN_PROGRESS)
        call.pending_twiml = document
        self._interrupt(call)

    def _interrupt(self, call: SimulatedCall) -> None:
        call.interrupted.set()
        if call.line is not None:
            call.line.stop()

    # --- test and demo entry points ------------------------------------------------------

    async def place_inbound_call(
        self,
        *,
        from_: str = "+14155550100",
        to: str | None = None,
        caller: SimulatedCaller | None = None,
    ) -> SimulatedCall:
        """Phone our number like a caller would; returns at once (await `call.wait()`)."""
        call = SimulatedCall(
            call_sid=new_sid("CA"),
            direction="inbound",
            from_number=from_,
            to_number=to or self._settings.twilio_phone_number or SIMULATOR_NUMBER,
        )
        self._start(call, self._run_inbound(call, caller or self._pick_caller(call)))
        return call

    async def aclose(self) -> None:
        """Hang up every call still running and wait for their tasks."""
        tasks = [c.task for c in self.calls.values() if c.task and not c.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- call flows ----------------------------------------------------------------------

    def _pick_caller(self, call: SimulatedCall) -> SimulatedCaller:
        factory = self.caller_factory or default_caller_factory()
        info = SimCallInfo(call.call_sid, call.direction, call.from_number, call.to_number)
        return factory(info)

    def _start(self, call: SimulatedCall, flow: Coroutine[Any, Any, None]) -> None:
        self.calls[call.call_sid] = call
        call.task = asyncio.create_task(flow, name=f"sim-call-{call.call_sid}")
        call.task.add_done_callback(lambda _t: call.ended.set())

    async def _run_outbound(self, call: SimulatedCall, caller: SimulatedCaller) -> None:
        """initiated → ringing → answered (TwiML fetched, stream) → completed, like Twilio."""
        async with WebhookClient(self._settings, self.account_sid) as hooks:
            try:
                await hooks.status(call, "initiated")
                call.status = "ringing"
                await hooks.status(call, "ringing")
                ring = getattr(caller, "ring", None)
                if ring is not None:  # a callee that decides while it rings (the softphone)
                    answered = await self._wait_answer(call, ring())
                    if answered is None:
                        call.status = "canceled"
                        return
                    outcome = answered
                elif await self._wait_interrupted(call, self._ring_seconds):
                    call.status = "canceled"
                    return
                else:
                    outcome = getattr(caller, "outcome", "answer")
                if outcome != "answer":
                    call.status = outcome
                    return
                call.status = "in-progress"
                call.answered_at = asyncio.get_running_loop().time()
                document = await hooks.fetch_twiml(call, "/api/outbound-call-webhook")
                await hooks.status(call, "in-progress")
                amd = asyncio.create_task(self._report_amd(hooks, call, caller))
                try:
                    await self._execute(call, document, caller)
                finally:
                    amd.cancel()
                    await asyncio.gather(amd, return_exceptions=True)
                call.status = "completed"
            except Exception:
                log.exception("simulated call failed", extra={"call_sid": call.call_sid})
                call.status = "completed" if call.answered_at is not None else "failed"
            finally:
                await hooks.final_status(call)

    async def _run_inbound(self, call: SimulatedCall, caller: SimulatedCaller) -> None:
        """A caller phones our number: fetch the inbound webhook and run its TwiML."""
        async with WebhookClient(self._settings, self.account_sid) as hooks:
            try:
                call.status = "ringing"
                document = await hooks.fetch_twiml(call, "/api/inbound-call")
                call.status = "in-progress"
                call.answered_at = asyncio.get_running_loop().time()
                await self._execute(call, document, caller)
                call.status = "completed"
            except Exception:
                log.exception("simulated call failed", extra={"call_sid": call.call_sid})
                call.status = "completed" if call.answered_at is not None else "failed"
            finally:
                # As if the number's status callback URL pointed at us.
                await hooks.final_status(call)

    async def _execute(self, call: SimulatedCall, document: str, caller: SimulatedCaller) -> None:
        """Run TwiML verbs in order; a REST redirect replaces what is left with new TwiML."""
        verbs: list[Verb] = parse_twiml(document)
        while verbs:
            verb = verbs.pop(0)
            if call.pending_twiml is not None:
                verbs = self._take_redirect(call)
                continue
            if isinstance(verb, StreamVerb):
                await self._stream(call, verb, caller)
            elif isinstance(verb, SayVerb):
                seconds = min(10.0, len(verb.text) * self.say_seconds_per_char)
                await self._wait_interrupted(call, seconds)
            elif isinstance(verb, PauseVerb):
                await self._wait_interrupted(call, verb.seconds)
            elif isinstance(verb, DialVerb):
                log.info("simulated transfer to %s", verb.number, extra={"call_sid": call.call_sid})
                await self._wait_interrupted(call, 1.0)
            elif isinstance(verb, HangupVerb):
                return
            if call.pending_twiml is not None:
                verbs = self._take_redirect(call)

    def _take_redirect(self, call: SimulatedCall) -> list[Verb]:
        document, call.pending_twiml = call.pending_twiml, None
        call.interrupted.clear()
        try:
            return parse_twiml(document or "")
        except TwimlError:
            log.warning("redirect with invalid TwiML", extra={"call_sid": call.call_sid})
            return []

    async def _stream(self, call: SimulatedCall, verb: StreamVerb, caller: SimulatedCaller) -> None:
        headers = {}
        if self._settings.twilio_auth_token:
            headers["X-Twilio-Signature"] = sign(self._settings.twilio_auth_token, verb.url)
        line = SimulatedLine(
            url=verb.url,
            call_sid=call.call_sid,
            account_sid=self.account_sid,
            custom_parameters=verb.parameters,
            headers=headers,
            keep_sent_messages=self._keep_sent,
        )
        call.line = line
        call.streams.append(line.stats)
        try:
            how = await line.run(caller)
        finally:
            call.line = None
        if how == "caller_hung_up" and call.pending_twiml is None:
            call.pending_twiml = twiml.hang_up()  # the caller is gone: nothing else runs

    async def _wait_interrupted(self, call: SimulatedCall, seconds: float) -> bool:
        """Wait `seconds` of call time; True if a REST request interrupted the wait."""
        try:
            async with asyncio.timeout(seconds):
                await call.interrupted.wait()
        except TimeoutError:
            return False
        return True

    async def _wait_answer(
        self, call: SimulatedCall, ringing: Coroutine[Any, Any, str]
    ) -> str | None:
        """The callee's answer ("answer", "busy", "no-answer"); None after a REST hang-up."""
        decision = asyncio.ensure_future(ringing)
        interrupted = asyncio.ensure_future(call.interrupted.wait())
        try:
            await asyncio.wait({decision, interrupted}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (decision, interrupted):
                task.cancel()
            await asyncio.gather(decision, interrupted, return_exceptions=True)
        if interrupted.done() and not interrupted.cancelled():
            return None
        return decision.result()

    async def _report_amd(
        self, hooks: WebhookClient, call: SimulatedCall, caller: SimulatedCaller
    ) -> None:
        """Async AMD: the AnsweredBy result arrives on its own callback once detection ends."""
        await asyncio.sleep(float(getattr(caller, "amd_seconds", 0.3)))
        call.answered_by = str(getattr(caller, "answered_by", "human"))
        await hooks.amd_result(call, call.answered_by)


async def place_inbound_call(
    settings: Settings,
    *,
    from_: str = "+14155550100",
    to: str | None = None,
    caller: SimulatedCaller | None = None,
    carrier: SimulatorCarrier | None = None,
) -> SimulatedCall:
    """Place a simulated inbound call to the app at PUBLIC_BASE_URL (tests, demos)."""
    carrier = carrier or SimulatorCarrier(settings)
    return await carrier.place_inbound_call(from_=from_, to=to, caller=caller)
