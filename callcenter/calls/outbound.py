"""Placing outbound calls: validate the number, check guardrails, record the call, dial."""

import asyncio
import logging
from collections.abc import Callable

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult
from sqlmodel import Session

from callcenter.calls.carrier import Carrier, CarrierError
from callcenter.calls.guardrails import check_outbound
from callcenter.calls.life import CallLife
from callcenter.calls.records import load_call
from callcenter.config import Settings
from callcenter.db.models import Call, CallDirection, CallStatus, EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.phones import parse_problem

log = logging.getLogger(__name__)

SIMULATOR_CALLER_ID = "+15005550006"

_POSSIBLE_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "has an unknown country code",
    ValidationResult.TOO_SHORT: "is too short",
    ValidationResult.TOO_LONG: "is too long",
    ValidationResult.INVALID_LENGTH: "has the wrong number of digits",
}


class InvalidNumber(ValueError):
    """The number cannot be dialled; the message says why (shown to the user, HTTP 422)."""


def normalize_number(raw: str, *, default_region: str) -> str:
    """`raw` as E.164, read in `default_region` when it has no `+`; `InvalidNumber` if not.

    A number of the right length for its country is accepted even when its range is not
    assigned (e.g. the fictional +1 555 numbers used in examples and tests): whether it
    rings is the carrier's call, and a refusal there ends the call `failed` with the reason.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidNumber("a phone number is required")
    try:
        parsed = phonenumbers.parse(text, default_region)
    except NumberParseException as exc:
        raise InvalidNumber(f"{text!r} is not a phone number ({parse_problem(exc)})") from None
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason in _POSSIBLE_REASONS:
        raise InvalidNumber(f"{text!r} {_POSSIBLE_REASONS[reason]}")
    if reason is not ValidationResult.IS_POSSIBLE and not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber(f"{text!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def caller_id(settings: Settings) -> str:
    return settings.twilio_phone_number or SIMULATOR_CALLER_ID


# Runs in the transaction that creates the call row, before the carrier is asked to dial; an
# exception it raises rolls the call back, and nothing is dialled.
BeforeDial = Callable[[Session, Call], None]


def _create(
    settings: Settings,
    to: str,
    lead_id: int | None,
    campaign_id: int | None,
    before_dial: BeforeDial | None,
) -> Call:
    with session_scope() as session:
        check_outbound(session=session, settings=settings, to=to)
        call = calls_repo.create_call(
            session=session,
            direction=CallDirection.outbound,
            from_number=caller_id(settings),
            to_number=to,
            status=CallStatus.queued,
            lead_id=lead_id,
            campaign_id=campaign_id,
        )
        if before_dial is not None:
            before_dial(session, call)
        return call


def _dialled(call_id: int, call_sid: str) -> Call:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        assert call is not None
        if call.call_sid is None:
            call.call_sid = call_sid
            calls_repo.touch(call)
        return call


class OutboundDialer:
    """Places outbound calls: the make-call form, the API and the CLI all come through here."""

    def __init__(self, *, settings: Settings, carrier: Carrier, life: CallLife) -> None:
        self.settings = settings
        self.carrier = carrier
        self.life = life

    async def place_call(
        self,
        *,
        to: str,
        lead_id: int | None = None,
        campaign_id: int | None = None,
        before_dial: BeforeDial | None = None,
    ) -> Call:
        """Normalise `to` to E.164 (or raise `InvalidNumber`), check guardrails (raise
        `GuardrailRefusal`), create the call row (queued, outbound) and ask the carrier to dial.
        Carrier errors do not raise: the call is returned `failed` with the reason.
        `before_dial` runs in the call row's transaction (a campaign binds its attempt there)."""
        settings = self.settings
        number = normalize_number(to, default_region=settings.caller_id_region)
        call = await asyncio.to_thread(_create, settings, number, lead_id, campaign_id, before_dial)
        call_id = call.id
        assert call_id is not None
        self.life.announce("call_started", call)
        try:
            result = await self.carrier.dial(to=number, from_=call.from_number, call_id=call_id)
        except CarrierError as exc:
            log.warning(
                "dialling call %s failed: %s", call_id, exc.message, extra={"call_id": call_id}
            )
            ended = await self.life.end(
                call_id,
                reason=EndReason.error,
                status=CallStatus.failed,
                source="carrier",
                detail=exc.message,
                error=exc.message,
            )
            return ended or await asyncio.to_thread(load_call, call_id) or call
        call = await asyncio.to_thread(_dialled, call_id, result.call_sid)
        log.info("dialling %s (call %s)", number, call.id, extra={"call_sid": result.call_sid})
        return call
