"""Placeholder bridge: drains the stream until it ends (replaced by the real CallBridge)."""

from callcenter.services import Services
from callcenter.telephony.stream import MediaStream


async def run_call_bridge(stream: MediaStream, services: Services) -> None:
    async for _message in stream.incoming():
        pass
