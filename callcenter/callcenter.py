"""The Reflex app: mounts the core API, registers the dashboard pages and the live sink."""

import contextlib
from collections.abc import AsyncIterator

import reflex as rx

from callcenter.api import create_api
from callcenter.campaigns import events as campaign_events
from callcenter.config import get_settings
from callcenter.ui import runtime
from callcenter.ui.live import campaign_board
from callcenter.ui.live.sink import SINK_NAME, LiveSink, quiet_shared_token_warning
from callcenter.ui.pages.board import BOARD_TOKEN, BoardSink
from callcenter.ui.routes import register_pages

# The core (webhooks, media stream, REST, workers); Reflex serves it on the same port.
core = create_api()
runtime.set_core(core)
if get_settings().ui_test_hooks:
    from callcenter.ui.test_hooks import router as test_router

    core.include_router(test_router)

app = rx.App(api_transformer=core)
register_pages(app)


@contextlib.asynccontextmanager
async def core_lifespan() -> AsyncIterator[None]:
    """Run the core's own lifespan (migrations, bootstrap, workers): Reflex mounts the core
    inside its ASGI app, and a mounted app's lifespan is not run by Starlette."""
    async with core.router.lifespan_context(core):
        yield


@contextlib.asynccontextmanager
async def live_sink() -> AsyncIterator[None]:
    """Feed every CallEvent of this process into the shared live state."""
    hub = runtime.hub()
    quiet_shared_token_warning(BOARD_TOKEN)
    sink, board = LiveSink(app), BoardSink(app)
    hub.add_sink(SINK_NAME, sink)
    hub.add_sink(BoardSink.NAME, board)  # Dashboard numbers, Calls and Leads follow calls
    try:
        board.refresher.touch()
        await sink.reconcile()
        yield
    finally:
        hub.remove_sink(SINK_NAME)
        hub.remove_sink(BoardSink.NAME)


@contextlib.asynccontextmanager
async def campaign_board_sink() -> AsyncIterator[None]:
    """Push campaign progress and campaign calls into the shared campaign board."""
    hub = runtime.hub()
    campaign_board.quiet_board_token_warning()
    sink = campaign_board.BoardSink(app)
    stop_listening = campaign_events.listen(sink.poke)
    hub.add_sink(campaign_board.SINK_NAME, sink.on_call)
    try:
        await sink.refresh()
        yield
    finally:
        stop_listening()
        hub.remove_sink(campaign_board.SINK_NAME)
        await sink.close()


app.register_lifespan_task(core_lifespan)
app.register_lifespan_task(live_sink)
app.register_lifespan_task(campaign_board_sink)
