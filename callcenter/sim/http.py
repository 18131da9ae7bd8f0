"""The simulated Twilio's HTTP side: signed webhook and status-callback POSTs to our app."""

import asyncio
import logging
import ssl
from email.utils import format_datetime
from functools import cache
from types import TracebackType

import httpx

from callcenter.calls.carrier import CarrierError
from callcenter.config import Settings
from callcenter.db.types import utcnow
from callcenter.sim.call import FINAL_STATUSES, SimulatedCall
from callcenter.telephony.signature import sign, webhook_url

log = logging.getLogger(__name__)

STATUS_PATH = "/api/call-status"
TIMEOUT_SECONDS = 15.0  # Twilio waits this long for a webhook answer


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every simulated call: building one costs milliseconds of CPU,
    which a campaign placing many short calls would pay on every call."""
    return ssl.create_default_context()


class WebhookClient:
    """Posts Twilio's form parameters to PUBLIC_BASE_URL + path, signed when a token is set."""

    def __init__(self, settings: Settings, account_sid: str) -> None:
        self._settings = settings
        self._account_sid = account_sid
        self._http = httpx.AsyncClient(timeout=TIMEOUT_SECONDS, verify=_tls())

    async def __aenter__(self) -> "WebhookClient":
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    def base_params(self, call: SimulatedCall) -> dict[str, str]:
        """The parameters Twilio sends with every voice webhook."""
        return {
            "AccountSid": self._account_sid,
            "ApiVersion": "2010-04-01",
            "CallSid": call.call_sid,
            "CallStatus": call.status,
            "Direction": "inbound" if call.direction == "inbound" else "outbound-api",
            "From": call.from_number,
            "To": call.to_number,
            "Caller": call.from_number,
            "Called": call.to_number,
        }

    async def fetch_twiml(self, call: SimulatedCall, path: str) -> str:
        """The TwiML our app answers for the call; anything but 200 is Twilio's error 11200."""
        response = await self.post(call, path, self.base_params(call))
        if response is None or response.status_code != 200:
            code = response.status_code if response is not None else "no response"
            raise CarrierError(f"webhook {path} answered {code} (Twilio error 11200)")
        return response.text

    async def status(self, call: SimulatedCall, status: str) -> None:
        """A call-progress status callback; final ones carry the call's duration."""
        params = self.base_params(call) | {
            "CallStatus": status,
            "CallbackSource": "call-progress-events",
            "SequenceNumber": str(len(call.callbacks)),
            "Timestamp": format_datetime(utcnow()),
        }
        if status in FINAL_STATUSES:
            now = asyncio.get_running_loop().time()
            seconds = round(now - call.answered_at) if call.answered_at is not None else 0
            params |= {"CallDuration": str(seconds), "Duration": str(max(1, -(-seconds // 60)))}
        await self.post(call, STATUS_PATH, params)

    async def final_status(self, call: SimulatedCall) -> None:
        """The last callback of every call, whatever happened before it."""
        if call.status not in FINAL_STATUSES:
            call.status = "completed"
        try:
            await self.status(call, call.status)
        except Exception:
            log.warning("final status callback failed", extra={"call_sid": call.call_sid})

    async def amd_result(self, call: SimulatedCall, answered_by: str) -> None:
        """Async answering-machine detection's result, on its own callback."""
        params = self.base_params(call) | {
            "AnsweredBy": answered_by,
            "MachineDetectionDuration": "300",
        }
        await self.post(call, STATUS_PATH, params)

    async def post(
        self, call: SimulatedCall, path: str, params: dict[str, str]
    ) -> httpx.Response | None:
        url = webhook_url(self._settings, path)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        token = self._settings.twilio_auth_token
        if token:
            headers["X-Twilio-Signature"] = sign(token, url, params)
        call.callbacks.append({"path": path, **params})
        try:
            return await self._http.post(url, data=params, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("webhook %s failed: %s", path, exc, extra={"call_sid": call.call_sid})
            return None
