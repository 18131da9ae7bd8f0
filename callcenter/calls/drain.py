"""Graceful shutdown: stop taking calls, let live ones finish, then end the rest politely."""

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from callcenter.calls.registry import LiveCalls
from callcenter.db.models import EndReason

log = logging.getLogger(__name__)

_draining = asyncio.Event()


def is_draining() -> bool:
    """True once shutdown began: webhooks and dialling should turn new calls away."""
    return _draining.is_set()


def reset() -> None:
    """Accept calls again (tests, or a shutdown that was called off)."""
    _draining.clear()


async def drain_calls(
    live_calls: LiveCalls, *, grace: float = 30.0, goodbye_grace: float = 15.0
) -> list[int]:
    """Stop accepting calls; wait up to `grace` seconds for live calls to end on their own;
    ask the rest to say goodbye and wait `goodbye_grace`; hang up whatever is left. Returns the ids
    of the calls it had to end."""
    _draining.set()
    if await live_calls.wait_empty(grace):
        return []
    ended = sorted(live_calls.ids())
    log.warning("shutting down: saying goodbye on %d live calls", len(ended))
    for call in live_calls:
        seen = call.snapshot()
        log.info(
            "call %s at shutdown: %d frames in, %d out, agent %s",
            seen.call_id,
            seen.frames_in,
            seen.frames_out,
            "speaking" if seen.agent_speaking else "listening",
            extra={"call_sid": seen.call_sid, "call_id": seen.call_id},
        )
        try:
            await call.wind_up(EndReason.shutdown)
        except Exception:
            log.exception("could not start the goodbye on call %s", call.call_id)
    if await live_calls.wait_empty(goodbye_grace):
        return ended
    for call in live_calls:
        try:
            await call.end(EndReason.shutdown)
        except Exception:
            log.exception("could not end call %s at shutdown", call.call_id)
    return ended


def install_sigterm_drain(
    live_calls: LiveCalls, *, grace: float = 30.0, goodbye_grace: float = 15.0
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
            await drain_calls(live_calls, grace=grace, goodbye_grace=goodbye_grace)
        finally:
            _pass_on(None)

    def _on_sigterm(signum: int, frame: FrameType | None) -> None:
        if is_draining():
            _pass_on(frame)
            return
        live = len(live_calls)
        if live:
            log.warning(
                "stopping: letting %d live call(s) finish first (up to %.0f s); "
                "send the signal again to end them now",
                live,
                grace,
            )
        else:
            log.info("stopping: no live calls")
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
