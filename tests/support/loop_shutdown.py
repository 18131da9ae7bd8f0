"""A call's clean-up when its event loop shuts down: `asyncio.run` ending cancels every task at
once, so the call's tasks and the shared writers it waits on are cancelled together."""

import asyncio
import threading
from collections.abc import Awaitable, Callable

Close = Callable[[], Awaitable[None]]


def closes_at_loop_shutdown(open_call: Callable[[], Awaitable[Close]], within: float) -> bool:
    """Open a call in a new event loop, end the loop while the call goes on, and say whether the
    call's `close` (run as it is cancelled) and the loop finished within `within` seconds."""
    closed = threading.Event()

    async def call(opened: asyncio.Event) -> None:
        close = await open_call()
        opened.set()
        try:
            await asyncio.Event().wait()  # the call goes on until the loop shuts down
        finally:
            await close()
            closed.set()

    async def server() -> None:
        opened = asyncio.Event()
        asyncio.get_running_loop().create_task(call(opened))
        await opened.wait()

    loop_thread = threading.Thread(target=asyncio.run, args=(server(),), daemon=True)
    loop_thread.start()
    if not closed.wait(within):
        return False
    loop_thread.join(within)
    return not loop_thread.is_alive()
