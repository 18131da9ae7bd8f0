"""Twilio request signatures: checked on every webhook and on the media-stream handshake."""

import logging
from typing import Annotated

from fastapi import Depends, HTTPException, Request, WebSocket
from starlette.datastructures import FormData
from twilio.request_validator import SIGNATURE_HEADER, RequestValidator

from callcenter import metrics
from callcenter.app_state import app_settings
from callcenter.config import Settings

log = logging.getLogger(__name__)


def webhook_url(settings: Settings, path: str, query: str = "") -> str:
    """The URL Twilio requested: the public base plus the path (not the internal host)."""
    return f"{settings.public_base_url}{path}" + (f"?{query}" if query else "")


def sign(auth_token: str, url: str, params: dict[str, str] | None = None) -> str:
    """The `X-Twilio-Signature` Twilio would send for `url` and these POST params."""
    return str(RequestValidator(auth_token).compute_signature(url, params or {}))


def is_valid(settings: Settings, url: str, params: object, signature: str | None) -> bool:
    """True when checks are off (no auth token) or `signature` matches `url` + `params`."""
    if not settings.signature_checks_enabled:
        return True
    if not signature:
        return False
    assert settings.twilio_auth_token is not None
    return bool(RequestValidator(settings.twilio_auth_token).validate(url, params, signature))


async def verify_twilio_signature(request: Request) -> FormData:
    """FastAPI dependency: the request's form, once its signature is proven (403 otherwise)."""
    settings = app_settings(request)
    form = await request.form()
    url = webhook_url(settings, request.url.path, request.url.query)
    if not is_valid(settings, url, form, request.headers.get(SIGNATURE_HEADER)):
        log.warning(
            "rejected %s: invalid or missing %s (call_sid=%s)",
            request.url.path,
            SIGNATURE_HEADER,
            form.get("CallSid"),
            extra={"call_sid": form.get("CallSid")},
        )
        metrics.count_error("bad_signature")
        raise HTTPException(status_code=403, detail="invalid Twilio signature")
    return form


TwilioSignature = Annotated[FormData, Depends(verify_twilio_signature)]


def handshake_is_valid(websocket: WebSocket, settings: Settings) -> bool:
    """The media-stream handshake is signed over the stream URL as written in TwiML, no params."""
    return is_valid(settings, settings.stream_url, {}, websocket.headers.get(SIGNATURE_HEADER))
