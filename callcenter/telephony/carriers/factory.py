"""Chooses the carrier for the settings: Twilio with credentials, else the simulator."""

from callcenter.config import Settings
from callcenter.telephony.carriers.base import Carrier


def build_carrier(settings: Settings) -> Carrier:
    if settings.twilio_enabled:
        from callcenter.telephony.carriers.twilio import TwilioCarrier

        return TwilioCarrier(settings)
    from callcenter.telephony.carriers.simulator import SimulatorCarrier

    return SimulatorCarrier(settings)
