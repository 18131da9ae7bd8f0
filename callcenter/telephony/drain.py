"""Graceful shutdown: stop taking calls, let live ones finish, then end the rest politely."""

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from callcenter.db.models import EndReason
from callcenter.services import Services

log = logging.getLogger(__name__)

_draining = asyncio.Event()


def is_draining() -> bool:
    """True once shutdown began: webhooks and dialling should turn new calls away."""
    return _draining.is_set()


def reset() -> None:
    """Accept calls again (tests, or a shutdown that was called off)."""
    _draining.clear()


async def _until_idle(services: Services, within: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    # Bridges have no "all done" event (a plain dict): a bounded poll.
    while services.active_bridges and loop.time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    return not services.active_bridges


async def _say_goodbye(bridge: Any) -> None:
    wind_up = getattr(bridge, "wind_up", None)
    if wind_up is not None:
        await wind_up(EndReason.shutdown)


async def drain_calls(
    services: Services, *, grace: float = 30.0, goodbye_grace: float = 15.0
) -> list[int]:
    """Stop accepting calls; wait up to `grace` seconds for live calls to end on their own;
    ask the rest to say goodbye and wait `goodbye_grace`; hang up whatever is left. Returns the ids
    of the calls it had to end."""
    _draining.set()
    if await _until_idle(services, grace):
        return []
    ended = sorted(services.active_bridges)
    log.warning("shutting down: saying goodbye on %d live calls", len(ended))
    for call_id, bridge in list(services.active_bridges.items()):
        try:
            await _say_goodbye(bridge)
        except Exception:
            log.exception("could not start the goodbye on call %s", call_id)
    if await _until_idle(services, goodbye_grace):
        return ended
    for call_id, bridge in list(services.active_bridges.items()):
        try:
            await bridge.end(EndReason.shutdown)
        except Exception:
            log.exception("could not end call %s at shutdown", call_id)
    return ended


def install_sigterm_drain(
    services: Services, *, grace: float = 30.0, goodbye_grace: float = 15.0
) -> Callable[[], None]:
    """Make SIGTERM drain live calls before the server's own shutdown runs.

    The server (uvicorn) closes open WebSockets the moment it starts shutting down, so the
    drain must come first: our handler drains, then hands the signal to the previous handler.
    A second SIGTERM skips the wait. Returns a function that restores the previous handler;
    the signal part does nothing outside the main thread (tests serving the app in a thread)."""
    reset()  # an app starting up takes calls, whatever an earlier one in this process did
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)
    tasks: set[asyncio.Task[None]] = set()

    def _pass_on(frame: FrameType | None) -> None:
        if callable(previous):
            previous(signal.SIGTERM, frame)
        elif previous == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.raise_signal(signal.SIGTERM)

    async def _drain_then_exit() -> None:
        try:
            await drain_calls(services, grace=grace, goodbye_grace=goodbye_grace)
        finally:
            _pass_on(None)

    def _on_sigterm(signum: int, frame: FrameType | None) -> None:
        if is_draining():
            _pass_on(frame)
            return
        log.info("SIGTERM: draining live calls before shutting down")
        _draining.set()

        def _start() -> None:
            task = loop.create_task(_drain_then_exit(), name="drain-calls")
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        loop.call_soon_threadsafe(_start)

    signal.signal(signal.SIGTERM, _on_sigterm)

    def _restore() -> None:
        for task in list(tasks):
            task.cancel()
        if signal.getsignal(signal.SIGTERM) is _on_sigterm:
            signal.signal(signal.SIGTERM, previous)

    return _restore
