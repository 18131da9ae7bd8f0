"""Chooses the carrier for the settings: Twilio with credentials, else the simulator."""

from callcenter.config import Settings
from callcenter.telephony.carriers.base import Carrier, CarrierError, DialResult


class _NotYetCarrier:
    """Placeholder until the carriers land; refuses every request with a clear reason."""

    name = "unavailable"

    async def dial(self, *, to: str, from_: str, call_id: int) -> DialResult:
        raise CarrierError("no carrier is configured")

    async def hang_up(self, call_sid: str) -> None:
        raise CarrierError("no carrier is configured")

    async def transfer(self, call_sid: str, to: str) -> None:
        raise CarrierError("no carrier is configured")


def build_carrier(settings: Settings) -> Carrier:
    return _NotYetCarrier()
