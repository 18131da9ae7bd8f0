"""The outbox sender loop (filled in with the outbox)."""

from callcenter.services import Services


async def run_outbox_worker(services: Services) -> None:
    return None
