"""`TwilioCarrier`: Twilio's REST API through the official SDK (sync, so run in a thread)."""

import asyncio
import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from callcenter.calls.carrier import CallPrice, CarrierError, DialResult
from callcenter.config import Settings
from callcenter.telephony import twiml
from callcenter.telephony.signature import webhook_url

log = logging.getLogger(__name__)
# The SDK logs every request's headers at INFO; keep only its warnings.
_sdk_log = logging.getLogger(__name__ + ".sdk")
_sdk_log.setLevel(logging.WARNING)

CALL_NOT_FOUND = 20404  # "The requested resource was not found": the call already ended
REQUEST_TIMEOUT_SECONDS = 15.0
STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]

T = TypeVar("T")


class BaseUrlHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, sending `https://*.twilio.com` requests to another base URL."""

    def __init__(self, base_url: str, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout, logger=_sdk_log)
        self._base = urlsplit(base_url)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith("twilio.com"):
            base_path = self._base.path.rstrip("/")
            url = urlunsplit(
                (self._base.scheme, self._base.netloc, base_path + parts.path, parts.query, "")
            )
        return super().request(method, url, *args, **kwargs)


def build_client(settings: Settings) -> Client:
    http_client = (
        BaseUrlHttpClient(settings.twilio_api_base_url)
        if settings.twilio_api_base_url
        else TwilioHttpClient(timeout=REQUEST_TIMEOUT_SECONDS, logger=_sdk_log)
    )
    return Client(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        http_client=http_client,
        environment={},
    )


def _carrier_error(exc: Exception) -> CarrierError:
    if isinstance(exc, TwilioRestException):
        return CarrierError(f"Twilio refused the request: {exc.msg}", code=exc.code)
    if isinstance(exc, TwilioServiceException):  # RFC 9457 problem details
        why = exc.detail or exc.title
        return CarrierError(f"Twilio refused the request: {why}", code=exc.code)
    return CarrierError(f"Twilio is unreachable: {type(exc).__name__}")


class TwilioCarrier:
    """Places calls with status callbacks and async answering-machine detection."""

    name = "twilio"

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client or build_client(settings)

    async def _run(self, fn: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(fn)
        except (TwilioException, OSError) as exc:
            raise _carrier_error(exc) from exc
        except Exception as exc:  # requests' errors (timeouts, refused connections)
            if type(exc).__module__.startswith(("requests", "urllib3")):
                raise _carrier_error(exc) from exc
            raise

    async def dial(self, *, to: str, from_: str, call_id: int) -> DialResult:
        settings = self._settings
        status_url = webhook_url(settings, "/api/call-status")

        def create() -> DialResult:
            call = self._client.calls.create(
                to=to,
                from_=from_,
                url=webhook_url(settings, "/api/outbound-call-webhook"),
                status_callback=status_url,
                status_callback_event=STATUS_EVENTS,
                machine_detection="DetectMessageEnd",
                # The SDK sends this value as given; Twilio expects the string "true".
                async_amd="true",
                async_amd_status_callback=status_url,
            )
            return DialResult(call_sid=str(call.sid), status=str(call.status or "queued"))

        result = await self._run(create)
        log.info("Twilio dialled call %s", call_id, extra={"call_sid": result.call_sid})
        return result

    async def _update(self, call_sid: str, **changes: str) -> None:
        await self._run(lambda: self._client.calls(call_sid).update(**changes))

    async def hang_up(self, call_sid: str) -> None:
        try:
            await self._update(call_sid, status="completed")
        except CarrierError as exc:
            if exc.code != CALL_NOT_FOUND:
                raise
            log.info("hang-up: call already ended", extra={"call_sid": call_sid})

    async def transfer(self, call_sid: str, to: str) -> None:
        await self._update(call_sid, twiml=twiml.dial(to))

    async def call_price(self, call_sid: str) -> CallPrice | None:
        call = await self._run(lambda: self._client.calls(call_sid).fetch())
        return parse_price(call.price, call.price_unit)

    async def aclose(self) -> None:
        return None  # the SDK's HTTP client holds nothing that needs closing

    async def say_and_hang_up(self, call_sid: str, message: str) -> None:
        await self._update(call_sid, twiml=twiml.say_and_hang_up(message))


def parse_price(price: object, unit: object) -> CallPrice | None:
    """Twilio's `price` ("-0.01300", a charge written as a negative number; null until it is
    known) and `price_unit` as a `CallPrice`; None while there is none."""
    if price is None or not isinstance(unit, str) or not unit:
        return None
    try:
        amount = Decimal(str(price))
    except InvalidOperation:
        log.warning("unreadable call price %r", price)
        return None
    return CallPrice(amount=abs(amount), unit=unit.upper()) if amount.is_finite() else None
