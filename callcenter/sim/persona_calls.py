"""Runs persona calls through the simulated carrier and scores the leads they leave behind."""

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from callcenter.config import Settings
from callcenter.db.repo.calls import get_call_by_sid
from callcenter.db.repo.leads import get_lead
from callcenter.db.session import session_scope
from callcenter.leads.normalize import normalize_business_type
from callcenter.sim.carrier import SimulatorCarrier
from callcenter.sim.channel import NoisyLine
from callcenter.sim.personas import PERSONAS, Persona, PersonaCaller

log = logging.getLogger(__name__)

FIELDS = ("name", "business_type", "need", "email", "phone")


@dataclass
class CallResult:
    """One persona call: the ids it got and the lead fields captured (empty when none)."""

    persona: Persona
    call_sid: str
    call_id: int | None = None
    lead: dict[str, str] = field(default_factory=dict)
    caller: PersonaCaller | None = None

    @property
    def correct(self) -> dict[str, bool]:
        expected = self.persona.expected
        return {f: _same(f, self.lead.get(f, ""), expected[f]) for f in FIELDS}


NEED_MIN_WORD_ACCURACY = 0.6


def word_accuracy(got: str, want: str) -> float:
    """1 - word error rate of `got` against `want` (0 when nothing matches)."""
    hyp, ref = got.lower().split(), want.lower().split()
    if not ref:
        return 1.0 if not hyp else 0.0
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return max(0.0, 1 - prev[-1] / len(ref))


def _same(name: str, got: str, want: str) -> bool:
    """Equal as the lead would store them (business types are kept short: "plumbing")."""
    if name == "need":
        return word_accuracy(got, want) >= NEED_MIN_WORD_ACCURACY
    if name == "business_type" and got:
        got, want = normalize_business_type(got), normalize_business_type(want)
    return " ".join(got.lower().split()) == " ".join(want.lower().split())


async def run_persona_calls(
    settings: Settings,
    names: list[str],
    *,
    interrupt: bool = False,
    timeout: float = 180.0,  # noqa: ASYNC109
    carrier: SimulatorCarrier | None = None,
    concurrency: int | None = None,
    personas: Mapping[str, Persona] = PERSONAS,
    line: NoisyLine | None = None,
    check_read_back: bool = False,
) -> list[CallResult]:
    """Place one simulated inbound call per persona name (`concurrency` at a time, default all
    at once); a call still running after `timeout` seconds is hung up by the carrier.
    `line` is every caller's phone line (see `sim.channel.NoisyLine`); `check_read_back`
    has callers turn down a wrong read-back of their address (longer calls)."""
    carrier = carrier or SimulatorCarrier(settings)
    results: list[CallResult] = []
    batch = concurrency or len(names) or 1
    for start in range(0, len(names), batch):
        callers = [
            PersonaCaller(
                personas[name], interrupt=interrupt, line=line, check_read_back=check_read_back
            )
            for name in names[start : start + batch]
        ]
        results += await _run_batch(carrier, callers, timeout)
    await asyncio.to_thread(_load_leads, results)
    return results


async def _run_batch(
    carrier: SimulatorCarrier, callers: list[PersonaCaller], limit_s: float
) -> list[CallResult]:
    calls = [await carrier.place_inbound_call(from_=c.persona.phone, caller=c) for c in callers]
    waits = [asyncio.ensure_future(call.wait(limit_s)) for call in calls]
    await asyncio.gather(*waits, return_exceptions=True)
    for call in calls:
        if not call.ended.is_set():
            log.warning("persona call %s still running after %.0f s", call.call_sid, limit_s)
            await carrier.hang_up(call.call_sid)
            with contextlib.suppress(TimeoutError):
                await call.wait(15)
    return [
        CallResult(persona=c.persona, call_sid=call.call_sid, caller=c)
        for c, call in zip(callers, calls, strict=True)
    ]


def _load_leads(results: list[CallResult]) -> None:
    with session_scope() as session:
        for result in results:
            call = get_call_by_sid(session=session, call_sid=result.call_sid)
            if call is None:
                continue
            result.call_id = call.id
            lead = get_lead(session=session, lead_id=call.lead_id) if call.lead_id else None
            if lead is not None:
                result.lead = {f: getattr(lead, f) or "" for f in FIELDS}


def accuracy(results: list[CallResult]) -> dict[str, float]:
    """Share of calls whose captured field equals the persona's, per field and overall."""
    if not results:
        return {}
    per_field = {f: sum(r.correct[f] for r in results) / len(results) for f in FIELDS}
    per_field["overall"] = sum(per_field[f] for f in FIELDS) / len(FIELDS)
    return per_field
