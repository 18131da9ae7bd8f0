"""Email senders: Resend through its SDK, or `.eml` files under the outbox directory."""

import asyncio
import email.utils
import logging
import os
import tempfile
from email.message import EmailMessage as MimeMessage
from pathlib import Path

import resend
from resend.exceptions import ResendError
from resend.http_client_httpx import HTTPXClient

from callcenter.config import Settings
from callcenter.notify.base import EmailMessage, EmailSender, SendError

log = logging.getLogger(__name__)

# Resend status codes worth retrying: rate limits, in-flight duplicates, server errors.
_RETRYABLE_CODES = {409, 429, 500, 502, 503, 504}


class FileSender:
    """Writes each message as `<idempotency key>.eml`: a re-send overwrites, never duplicates."""

    name = "file"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage) -> str:
        try:
            path = await asyncio.to_thread(self._write, message)
        except OSError as exc:
            raise SendError(f"could not write to {self.directory}: {exc}") from exc
        return f"file:{path.name}"

    def _write(self, message: EmailMessage) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{message.idempotency_key}.eml"
        data = bytes(to_mime(message))
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".eml", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target


def to_mime(message: EmailMessage) -> MimeMessage:
    """The message as MIME: plain text with an HTML alternative."""
    mime = MimeMessage()
    mime["From"] = message.sender
    mime["To"] = ", ".join(message.to)
    mime["Subject"] = message.subject
    mime["Date"] = email.utils.formatdate(localtime=False)
    mime["Message-ID"] = f"<{message.idempotency_key}@callcenter>"
    mime["X-Idempotency-Key"] = message.idempotency_key
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime


class ResendSender:
    """Sends through the Resend SDK with the row's idempotency key (`Idempotency-Key`)."""

    name = "resend"

    def __init__(self, *, api_key: str, api_url: str | None = None, timeout: int = 20) -> None:
        self._api_key = api_key
        self._api_url = api_url or "https://api.resend.com"
        self._timeout = timeout

    async def send(self, message: EmailMessage) -> str:

        # The SDK reads its configuration from module globals at request time.
        resend.api_key = self._api_key
        resend.api_url = self._api_url
        client = resend.default_async_http_client
        if not isinstance(client, _TimedClient) or client.timeout != self._timeout:
            resend.default_async_http_client = _TimedClient(timeout=self._timeout)
        params: resend.Emails.SendParams = {
            "from": message.sender,
            "to": message.to,
            "subject": message.subject,
            "html": message.html,
            "text": message.text,
        }
        try:
            response = await resend.Emails.send_async(
                params, options={"idempotency_key": message.idempotency_key}
            )
        except ResendError as exc:
            code = _code(exc.code)
            retryable = code in _RETRYABLE_CODES or exc.error_type == "HttpClientError"
            raise SendError(
                f"resend {exc.code} {exc.error_type}: {exc.message}", retryable=retryable
            ) from exc
        message_id = response.get("id") if isinstance(response, dict) else None
        if not message_id:
            raise SendError("resend answered without a message id")
        return str(message_id)


def _code(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


class _TimedClient(HTTPXClient):
    """The SDK's httpx client with our timeout (its type marks that we configured it)."""

    def __init__(self, timeout: int) -> None:
        super().__init__(timeout=timeout)
        self.timeout = timeout


def build_email_sender(settings: Settings) -> EmailSender:
    """Resend when RESEND_API_KEY is set, else the file outbox under OUTBOX_DIR."""
    if settings.resend_api_key:
        return ResendSender(api_key=settings.resend_api_key, api_url=settings.resend_api_url)
    return FileSender(settings.outbox_dir)
