"""The long-lived objects one process shares: settings, carrier, voice engine, email, live hub."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from callcenter.config import Settings
from callcenter.live.hub import LiveHub, get_hub

if TYPE_CHECKING:
    from callcenter.notify.base import EmailSender
    from callcenter.telephony.carriers.base import Carrier
    from callcenter.voice.session import VoiceSessionFactory


@dataclass
class Services:
    settings: Settings
    carrier: "Carrier"
    voice_factory: "VoiceSessionFactory"
    email_sender: "EmailSender"
    hub: LiveHub = field(default_factory=get_hub)
    # Calls being bridged in this process, by call id (the bridge objects themselves).
    active_bridges: dict[int, Any] = field(default_factory=dict)


def build_services(settings: Settings) -> Services:
    """Pick each service's implementation from the settings (embedded default without keys)."""
    from callcenter.notify.senders import build_email_sender
    from callcenter.telephony.carriers.factory import build_carrier
    from callcenter.voice.providers.factory import build_voice_factory

    return Services(
        settings=settings,
        carrier=build_carrier(settings),
        voice_factory=build_voice_factory(settings),
        email_sender=build_email_sender(settings),
    )
