"""The `Carrier` Protocol: what a call needs from a phone network (Twilio, the simulator)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


class CarrierError(Exception):
    """The carrier refused or failed a request; `message` is safe to show to a user."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"CarrierError({self.message!r}, code={self.code!r})"


@dataclass(frozen=True, slots=True)
class DialResult:
    call_sid: str
    status: str


@dataclass(frozen=True, slots=True)
class CallPrice:
    """What the carrier charged for a call, as it reports it (Twilio: `price`, `price_unit`)."""

    amount: Decimal  # what was charged, positive (Twilio writes charges as negative numbers)
    unit: str  # ISO 4217, e.g. "USD"


class Carrier(Protocol):
    """Places, ends and transfers calls (Twilio's REST API or the simulator)."""

    name: str

    async def dial(self, *, to: str, from_: str, call_id: int) -> DialResult:
        """Start an outbound call; the carrier then fetches our outbound-call webhook."""

    async def hang_up(self, call_sid: str) -> None:
        """End a live call; a call that already ended is not an error."""

    async def transfer(self, call_sid: str, to: str) -> None:
        """Redirect a live call to `to` with `<Dial>`."""

    async def say_and_hang_up(self, call_sid: str, message: str) -> None:
        """Redirect a live call to speak `message` (e.g. a voicemail), then hang up."""

    async def call_price(self, call_sid: str) -> CallPrice | None:
        """The call's price once the carrier has set it (None until then; often a while after
        the call ended)."""

    async def aclose(self) -> None:
        """Release what the carrier holds (the simulator ends the calls it is still running)."""
