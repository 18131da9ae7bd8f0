"""Email senders: Resend through its SDK, or `.eml` files under the outbox directory."""

from callcenter.config import Settings
from callcenter.notify.base import EmailMessage, EmailSender, SendError


class _NotYetSender:
    name = "unavailable"

    async def send(self, message: EmailMessage) -> str:
        raise SendError("no email sender is configured", retryable=False)


def build_email_sender(settings: Settings) -> EmailSender:
    return _NotYetSender()
