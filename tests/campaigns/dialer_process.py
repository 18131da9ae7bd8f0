"""A dialer alone in its own process (as one instance of the app), for the crash tests:
`python -m tests.campaigns.dialer_process` with the app's environment."""

import asyncio
import logging
from datetime import timedelta

from callcenter.api import build_core
from callcenter.campaigns.dialer import CampaignDialer, DialerTiming
from callcenter.config import get_settings


async def main() -> None:
    core = build_core(get_settings())
    dialer = CampaignDialer(
        settings=core.settings,
        outbound=core.dialer,
        hub=core.hub,
        timing=DialerTiming(tick_seconds=0.1, lease_ttl=timedelta(seconds=1)),
    )
    await dialer.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
