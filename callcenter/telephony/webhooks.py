"""Twilio's webhooks: inbound call, answered outbound call, and status / AMD callbacks."""

import asyncio
import logging
from functools import partial

from fastapi import APIRouter, BackgroundTasks, HTTPException, Response
from starlette.datastructures import FormData

from callcenter.app_state import AppSettingsDep, CallLifeDep, CarrierDep, ConnectorDep
from callcenter.calls import records, states
from callcenter.calls.carrier import Carrier, CarrierError
from callcenter.calls.drain import is_draining
from callcenter.config import Settings
from callcenter.telephony import twiml
from callcenter.telephony.signature import TwilioSignature

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["twilio"])

TWIML = "text/xml"
UNAVAILABLE_MESSAGE = "Sorry, we cannot take your call right now. Please call back in a minute."


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _call_sid(form: FormData) -> str:
    sid = _field(form, "CallSid")
    if sid is None:
        raise HTTPException(status_code=422, detail="CallSid: field required")
    return sid


@router.post("/inbound-call", response_class=Response)
async def inbound_call(
    form: TwilioSignature, settings: AppSettingsDep, life: CallLifeDep, bridges: ConnectorDep
) -> Response:
    """A caller phoned our number: record the call (once per CallSid) and connect the agent."""
    call_sid = _call_sid(form)
    if is_draining():
        log.info("turning an inbound call away: shutting down", extra={"call_sid": call_sid})
        return Response(twiml.say_and_hang_up(UNAVAILABLE_MESSAGE), media_type=TWIML)
    change = partial(
        records.inbound_in,
        call_sid=call_sid,
        from_number=_field(form, "From") or "",
        to_number=_field(form, "To") or "",
    )
    update, facts = await asyncio.to_thread(bridges.answer, change)
    call = update.call
    assert call.id is not None
    if update.created:
        log.info("inbound call %s from %s", call.id, call.from_number, extra={"call_sid": call_sid})
        life.announce("call_started", call)
    # The AI connection opens now, while Twilio sets up the media stream.
    bridges.prepare(call=call, call_sid=call_sid, direction="inbound", facts=facts)
    body = twiml.connect_stream(settings, call_id=call.id, direction="inbound")
    return Response(body, media_type=TWIML)


@router.post("/outbound-call-webhook", response_class=Response)
async def outbound_call_webhook(
    form: TwilioSignature, settings: AppSettingsDep, life: CallLifeDep, bridges: ConnectorDep
) -> Response:
    """The callee answered: connect the agent, or leave a voicemail if a machine answered."""
    call_sid = _call_sid(form)
    answered_by = _field(form, "AnsweredBy")
    change = partial(
        records.outbound_answer_in,
        call_sid=call_sid,
        from_number=_field(form, "From") or "",
        to_number=_field(form, "To") or "",
        answered_by=answered_by,
    )
    machine = states.is_machine(answered_by)
    update, facts = await asyncio.to_thread(bridges.answer, change, connect=not machine)
    call = update.call
    assert call.id is not None
    if update.created:
        life.announce("call_started", call)
    if update.change.changed:
        life.announce("call_updated", call)
    call_extra = {"call_sid": call_sid}
    if machine:
        log.info("machine answered call %s (%s)", call.id, answered_by, extra=call_extra)
        if settings.voicemail_action == "leave_message" and answered_by != "fax":
            return Response(
                twiml.say_and_hang_up(twiml.voicemail_message(settings)), media_type=TWIML
            )
        return Response(twiml.hang_up(), media_type=TWIML)
    bridges.prepare(call=call, call_sid=call_sid, direction="outbound", facts=facts)
    body = twiml.connect_stream(settings, call_id=call.id, direction="outbound")
    return Response(body, media_type=TWIML)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@router.post("/call-status", status_code=204, response_class=Response)
async def call_status(
    form: TwilioSignature,
    settings: AppSettingsDep,
    life: CallLifeDep,
    carrier: CarrierDep,
    background: BackgroundTasks,
) -> Response:
    """Status and AMD callbacks: applied idempotently, never moving a call backwards."""
    call_sid = _call_sid(form)
    raw_status = _field(form, "CallStatus")
    answered_by = _field(form, "AnsweredBy")
    update = await asyncio.to_thread(
        records.record_status_callback,
        call_sid=call_sid,
        to_number=_field(form, "To"),
        status=states.parse_status(raw_status),
        answered_by=answered_by,
        duration_seconds=_int(_field(form, "CallDuration")),
        detail=_field(form, "ErrorMessage") or _field(form, "SipResponseCode"),
    )
    if update is None:
        log.debug("status %s for unknown call", raw_status, extra={"call_sid": call_sid})
        return Response(status_code=204)
    call = update.call
    assert call.id is not None
    ends_with = update.change.ends_with
    if ends_with is not None:
        await life.end(
            call.id,
            reason=states.implied_end_reason(ends_with),
            status=ends_with,
            source="twilio",
            detail=_field(form, "ErrorMessage") or _field(form, "SipResponseCode"),
        )
    elif update.change.changed:
        life.announce("call_updated", call)
    if update.machine_answered:
        background.add_task(_handle_machine, settings, carrier, call_sid, answered_by or "")
    return Response(status_code=204)


async def _handle_machine(
    settings: Settings, carrier: Carrier, call_sid: str, answered_by: str
) -> None:
    """Async AMD said a machine answered a live call: leave the voicemail or hang up."""
    try:
        if settings.voicemail_action == "leave_message" and answered_by != "fax":
            await carrier.say_and_hang_up(call_sid, twiml.voicemail_message(settings))
        else:
            await carrier.hang_up(call_sid)
    except CarrierError as exc:
        log.warning("voicemail handling failed: %s", exc.message, extra={"call_sid": call_sid})
