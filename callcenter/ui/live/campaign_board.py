"""The shared campaign board: every campaign's progress and live calls, pushed to each linked
browser whenever a campaign changes (no polling)."""

import asyncio
import logging
from dataclasses import dataclass

import reflex as rx

from callcenter.db.repo import campaigns as repo
from callcenter.db.session import session_scope
from callcenter.live.events import CallEvent
from callcenter.ui.campaign_data import CampaignRow, load_board
from callcenter.ui.format import phone_display

log = logging.getLogger(__name__)

BOARD_TOKEN = "campaign-board"  # the shared token (Reflex forbids underscores in it)
SINK_NAME = "campaign-board"
COALESCE_SECONDS = 0.25  # a burst of changes is pushed as one update


@dataclass
class BoardCall:
    id: int = 0
    campaign_id: int = 0
    number: str = ""
    status: str = ""


class CampaignBoard(rx.SharedState):
    rows: rx.Field[list[CampaignRow]] = rx.field(default_factory=list)
    calls: rx.Field[list[BoardCall]] = rx.field(default_factory=list)


def load_calls(campaign_ids: list[int]) -> list[BoardCall]:
    out: list[BoardCall] = []
    with session_scope() as session:
        for campaign_id in campaign_ids:
            out += [
                BoardCall(c.id or 0, campaign_id, phone_display(c.to_number), c.status.value)
                for c in repo.live_calls(session=session, campaign_id=campaign_id)
            ]
    return out


def load_everything() -> tuple[list[CampaignRow], list[BoardCall]]:
    rows = load_board()
    running = [r.id for r in rows if r.status in ("running", "paused")]
    return rows, load_calls(running)


class BoardSink:
    """Listens to campaign changes (and campaign calls on the hub); refreshes the board."""

    def __init__(self, app: rx.App) -> None:
        self._app = app
        self._pending: asyncio.Task[None] | None = None

    def _token(self) -> rx.BaseStateToken:
        return rx.BaseStateToken(ident=BOARD_TOKEN, cls=CampaignBoard)

    def poke(self, _campaign_id: int = 0) -> None:
        if self._pending is None or self._pending.done():
            self._pending = asyncio.create_task(self._refresh_soon(), name="campaign-board")

    async def on_call(self, event: CallEvent) -> None:
        if event.data.get("campaign_id"):
            self.poke()

    async def _refresh_soon(self) -> None:
        await asyncio.sleep(COALESCE_SECONDS)
        try:
            await self.refresh()
        except Exception:
            log.exception("refreshing the campaign board failed")

    async def refresh(self) -> None:
        rows, calls = await asyncio.to_thread(load_everything)
        async with self._app.modify_state(self._token()) as root:
            board = await root.get_state(CampaignBoard)
            board.rows = rows
            board.calls = calls

    async def close(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            await asyncio.gather(self._pending, return_exceptions=True)


class _SharedTokenNoise(logging.Filter):
    """Reflex warns it cannot send a delta to the client `campaign-board` after each change:
    that token is the shared state's, never a browser's."""

    def filter(self, record: logging.LogRecord) -> bool:
        return f"disconnected client {BOARD_TOKEN!r}" not in record.getMessage()


def quiet_board_token_warning() -> None:
    logging.getLogger("reflex.app").addFilter(_SharedTokenNoise())
