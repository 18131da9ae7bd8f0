"""The live board: Dashboard numbers and charts, and the first page of Calls and Leads, kept in
one shared state that the live sink refreshes after every call event (no polling, no reload)."""

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from callcenter.db.session import session_scope
from callcenter.live.events import CallEvent
from callcenter.ui.pages.calls_data import CallFilters, CallRow, load_calls
from callcenter.ui.pages.dashboard_data import PERIODS, Tile, load_stats
from callcenter.ui.pages.leads_data import LeadFilters, LeadRow, load_leads

log = logging.getLogger(__name__)

BOARD_TOKEN = "live-board"  # the shared token (Reflex forbids underscores in it)
SETTLE_SECONDS = 0.3
BOARD_EVENTS = frozenset({"call_started", "call_updated", "call_ended", "lead_updated"})


@dataclass
class DashView:
    """What the Dashboard shows for one period."""

    tiles: list[Tile] = field(default_factory=list)
    per_day: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    funnel: list[dict[str, Any]] = field(default_factory=list)


class BoardState(rx.SharedState):
    """Identical in every linked browser; written only by `BoardRefresher`."""

    views: rx.Field[dict[str, DashView]] = rx.field(default_factory=dict)
    calls: rx.Field[list[CallRow]] = rx.field(default_factory=list)
    leads: rx.Field[list[LeadRow]] = rx.field(default_factory=list)


@dataclass
class Board:
    views: dict[str, DashView]
    calls: list[CallRow]
    leads: list[LeadRow]


def load_board() -> Board:
    """Every period's dashboard and the unfiltered first page of calls and of leads."""
    views = {}
    with session_scope() as session:
        for period in PERIODS:
            data = load_stats(session, period)
            views[period] = DashView(data.tiles, data.per_day, data.outcomes, data.funnel)
    leads, _total = load_leads(LeadFilters())
    return Board(views=views, calls=load_calls(CallFilters()).rows, leads=leads)


async def link_board(state: rx.State) -> None:
    """Link the browser behind `state` to the shared board (call in a page's on_load)."""
    board = await state.get_state(BoardState)
    await board._link_to(BOARD_TOKEN)


class BoardSink:
    """A hub sink: call events refresh the board (numbers and lists follow every call)."""

    NAME = "board"

    def __init__(self, app: rx.App) -> None:
        self.refresher = BoardRefresher(app)

    async def __call__(self, event: CallEvent) -> None:
        if event.kind in BOARD_EVENTS:
            self.refresher.touch()


class BoardRefresher:
    """Reloads the board after call events: one load at a time, and a burst of events while
    it runs (a call's status and lead fields arrive together) costs one more load, not many."""

    def __init__(self, app: rx.App) -> None:
        self._app = app
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def touch(self) -> None:
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._run(), name="live-board")

    async def wait(self) -> None:
        """Until the load in progress (if any) has reached the browsers."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _run(self) -> None:
        while True:
            # A call's events come in bursts (started, ringing, answered): one load after the
            # burst, off the moment the agent starts speaking and its words are pushed.
            await asyncio.sleep(SETTLE_SECONDS)
            self._again = False
            try:
                board = await asyncio.to_thread(load_board)
                token = rx.BaseStateToken(ident=BOARD_TOKEN, cls=BoardState)
                async with self._app.modify_state(token) as root:
                    state = await root.get_state(BoardState)
                    state.views, state.calls, state.leads = board.views, board.calls, board.leads
            except Exception:
                log.exception("could not refresh the live board")
            if not self._again:
                return
