"""Tells whoever listens in this process that a campaign changed (live views) or that there
may be new dialling work (dialers). Safe from any thread; listeners run on their own loop."""

import asyncio
import threading
from collections.abc import Callable

Listener = Callable[[int], None]
_Entry = tuple[asyncio.AbstractEventLoop, Listener]

_views: set[_Entry] = set()
_dialers: set[_Entry] = set()
_lock = threading.Lock()


def _register(registry: set[_Entry], listener: Listener) -> Callable[[], None]:
    entry = (asyncio.get_running_loop(), listener)
    with _lock:
        registry.add(entry)

    def _stop() -> None:
        with _lock:
            registry.discard(entry)

    return _stop


def _notify(registry: set[_Entry], campaign_id: int) -> None:
    with _lock:
        targets = list(registry)
    for loop, listener in targets:
        try:
            loop.call_soon_threadsafe(listener, campaign_id)
        except RuntimeError:  # that loop has closed
            continue


def listen(listener: Listener) -> Callable[[], None]:
    """Call `listener(campaign_id)` on the current loop after each change; returns the undo."""
    return _register(_views, listener)


def listen_for_work(listener: Listener) -> Callable[[], None]:
    """Call `listener(campaign_id)` when a campaign may have contacts to dial now."""
    return _register(_dialers, listener)


def changed(campaign_id: int) -> None:
    """A committed change to campaign `campaign_id` (counts, status, contacts)."""
    _notify(_views, campaign_id)


def work_ready(campaign_id: int) -> None:
    """Campaign `campaign_id` was started, resumed or given contacts: dial without waiting."""
    _notify(_dialers, campaign_id)
    _notify(_views, campaign_id)
