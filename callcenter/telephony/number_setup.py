"""Point the Twilio number's voice webhook and status callback at this deployment."""

from dataclasses import dataclass

from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from callcenter.calls.carrier import CarrierError
from callcenter.config import Settings
from callcenter.telephony.carrier import build_client
from callcenter.telephony.signature import webhook_url


@dataclass(frozen=True, slots=True)
class NumberSetup:
    sid: str
    phone_number: str
    voice_url: str
    status_callback: str


def point_number_at_us(settings: Settings, client: Client | None = None) -> NumberSetup:
    """Set `TWILIO_PHONE_NUMBER`'s voice URL to our inbound webhook and its status callback to
    our status route, both under `PUBLIC_BASE_URL`, POST; a voice application that would take
    precedence over the URL is detached. Raises `CarrierError` with the reason on failure."""
    number = settings.twilio_phone_number
    if not (settings.twilio_account_sid and settings.twilio_auth_token and number):
        raise CarrierError(
            "twilio-setup needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER"
        )
    client = client or build_client(settings)
    voice_url = webhook_url(settings, "/api/inbound-call")
    status_callback = webhook_url(settings, "/api/call-status")
    try:
        owned = client.incoming_phone_numbers.list(phone_number=number, limit=20)
        match = next((n for n in owned if n.phone_number == number), None)
        if match is None or not match.sid:
            raise CarrierError(
                f"{number} is not a phone number of Twilio account {settings.twilio_account_sid}"
            )
        updated = client.incoming_phone_numbers(match.sid).update(
            voice_url=voice_url,
            voice_method="POST",
            voice_application_sid="",
            status_callback=status_callback,
            status_callback_method="POST",
        )
    except TwilioException as exc:
        raise CarrierError(f"Twilio refused the request: {exc}") from exc
    return NumberSetup(
        sid=str(updated.sid),
        phone_number=str(updated.phone_number),
        voice_url=str(updated.voice_url),
        status_callback=str(updated.status_callback),
    )
