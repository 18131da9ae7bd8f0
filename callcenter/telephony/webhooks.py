"""Twilio's webhooks: inbound call, answered outbound call, and status / AMD callbacks."""

import asyncio
import logging

from fastapi import APIRouter, BackgroundTasks, HTTPException, Response
from starlette.datastructures import FormData

from callcenter.rest.deps import ServicesDep
from callcenter.services import Services
from callcenter.telephony import call_records, twiml
from callcenter.telephony.carriers.base import CarrierError
from callcenter.telephony.drain import is_draining
from callcenter.telephony.lifecycle import finalize_ended_call, parse_status, publish_call
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
async def inbound_call(form: TwilioSignature, services: ServicesDep) -> Response:
    """A caller phoned our number: record the call (once per CallSid) and connect the agent."""
    call_sid = _call_sid(form)
    if is_draining():
        log.info("turning an inbound call away: shutting down", extra={"call_sid": call_sid})
        return Response(twiml.say_and_hang_up(UNAVAILABLE_MESSAGE), media_type=TWIML)
    update = await asyncio.to_thread(
        call_records.record_inbound,
        call_sid=call_sid,
        from_number=_field(form, "From") or "",
        to_number=_field(form, "To") or "",
    )
    call = update.call
    assert call.id is not None
    if update.created:
        log.info("inbound call %s from %s", call.id, call.from_number, extra={"call_sid": call_sid})
        publish_call(services.hub, "call_started", call)
    body = twiml.connect_stream(services.settings, call_id=call.id, direction="inbound")
    return Response(body, media_type=TWIML)


@router.post("/outbound-call-webhook", response_class=Response)
async def outbound_call_webhook(form: TwilioSignature, services: ServicesDep) -> Response:
    """The callee answered: connect the agent, or leave a voicemail if a machine answered."""
    call_sid = _call_sid(form)
    answered_by = _field(form, "AnsweredBy")
    update = await asyncio.to_thread(
        call_records.record_outbound_answer,
        call_sid=call_sid,
        from_number=_field(form, "From") or "",
        to_number=_field(form, "To") or "",
        answered_by=answered_by,
    )
    call = update.call
    assert call.id is not None
    if update.created:
        publish_call(services.hub, "call_started", call)
    if update.change.changed:
        publish_call(services.hub, "call_updated", call)
    settings = services.settings
    call_extra = {"call_sid": call_sid}
    if call_records.is_machine(answered_by):
        log.info("machine answered call %s (%s)", call.id, answered_by, extra=call_extra)
        if settings.voicemail_action == "leave_message" and answered_by != "fax":
            return Response(
                twiml.say_and_hang_up(twiml.voicemail_message(settings)), media_type=TWIML
            )
        return Response(twiml.hang_up(), media_type=TWIML)
    body = twiml.connect_stream(settings, call_id=call.id, direction="outbound")
    return Response(body, media_type=TWIML)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@router.post("/call-status", status_code=204, response_class=Response)
async def call_status(
    form: TwilioSignature, services: ServicesDep, background: BackgroundTasks
) -> Response:
    """Status and AMD callbacks: applied idempotently, never moving a call backwards."""
    call_sid = _call_sid(form)
    raw_status = _field(form, "CallStatus")
    answered_by = _field(form, "AnsweredBy")
    update = await asyncio.to_thread(
        call_records.record_status_callback,
        call_sid=call_sid,
        to_number=_field(form, "To"),
        status=parse_status(raw_status),
        answered_by=answered_by,
        duration_seconds=_int(_field(form, "CallDuration")),
        detail=_field(form, "ErrorMessage") or _field(form, "SipResponseCode"),
    )
    if update is None:
        log.info("status %s for unknown call", raw_status, extra={"call_sid": call_sid})
        return Response(status_code=204)
    call = update.call
    assert call.id is not None
    if update.change.ended:
        publish_call(services.hub, "call_ended", call)
        if call.stream_sid is None:
            # No media stream ever started, so no stream handler (in any worker) will finalise
            # this call; one that did start is finalised where its bridge ran.
            background.add_task(finalize_ended_call, services, call.id)
    elif update.change.changed:
        publish_call(services.hub, "call_updated", call)
    if update.machine_answered:
        background.add_task(_handle_machine, services, call_sid, answered_by or "")
    return Response(status_code=204)


async def _handle_machine(services: Services, call_sid: str, answered_by: str) -> None:
    """Async AMD said a machine answered a live call: leave the voicemail or hang up."""
    settings = services.settings
    try:
        if settings.voicemail_action == "leave_message" and answered_by != "fax":
            await services.carrier.say_and_hang_up(call_sid, twiml.voicemail_message(settings))
        else:
            await services.carrier.hang_up(call_sid)
    except CarrierError as exc:
        log.warning("voicemail handling failed: %s", exc.message, extra={"call_sid": call_sid})
