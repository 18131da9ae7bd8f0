"""The `EmailSender` Protocol and the message it sends."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class EmailMessage:
    sender: str
    to: list[str]
    subject: str
    html: str
    text: str
    idempotency_key: str


class SendError(Exception):
    """Sending failed; `retryable` says whether trying again may succeed."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class EmailSender(Protocol):
    name: str

    async def send(self, message: EmailMessage) -> str:
        """Send once; returns the provider's message id. Raises `SendError`."""
