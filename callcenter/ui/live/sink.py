"""The live sink: applies each `CallEvent` from the core's hub to the shared live state."""

import asyncio
import logging
from typing import Any

import reflex as rx

from callcenter.db.models import EndReason
from callcenter.live.events import CallEvent
from callcenter.ui.format import feed_time
from callcenter.ui.live.cards import (
    Activity,
    LiveCard,
    LiveTurn,
    load_active_cards,
    load_card,
    load_recent_activity,
    turn_key,
)
from callcenter.ui.live.feed import lead_key
from callcenter.ui.live.state import LIVE_TOKEN, LiveState
from callcenter.ui.wording import end_reason_text

log = logging.getLogger(__name__)

SINK_NAME = "dashboard"


def _speaker(data: dict[str, Any]) -> str:
    who = data.get("who", data.get("speaker", data.get("role")))
    return str(who) if who else ""


def _turn_from(event: CallEvent) -> LiveTurn | None:
    data = event.data
    if not data.get("text"):
        return None
    role = str(data.get("role", ""))
    started_at = str(data.get("started_at") or event.at.isoformat())
    return LiveTurn(
        key=str(data.get("turn_key") or turn_key(role, started_at)),
        role=role,
        text=str(data["text"]),
        interrupted=bool(data.get("interrupted", False)),
        at=started_at,
    )


def _end_words(event: CallEvent, card: LiveCard | None) -> str:
    raw = event.data.get("end_reason")
    if raw in EndReason.__members__:
        return end_reason_text(EndReason(str(raw)), card.direction if card else "inbound")
    return str(raw or event.data.get("status") or "ended").replace("_", " ")


def _activity(event: CallEvent, card: LiveCard | None) -> Activity | None:
    who = card.number if card else f"call {event.call_id}"
    if event.kind == "call_started":
        verb = "Calling" if card and card.direction == "outbound" else "Incoming call from"
        text = f"{verb} {who}"
    elif event.kind == "call_ended":
        text = f"Call with {who} ended ({_end_words(event, card)})"
    elif event.kind == "lead_updated" and card and card.lead_name:
        text = f"Lead captured: {card.lead_name} ({who})"
    else:
        return None
    key = f"{event.kind}-{event.call_id}"
    return Activity(
        key=lead_key(event.call_id) if event.kind == "lead_updated" else key,
        call_id=event.call_id,
        text=text,
        at=event.at.isoformat(),
        time=feed_time(event.at),
    )


class _SharedTokenNoise(logging.Filter):
    """Reflex warns that it cannot send a delta to the client `live-calls` after every change:
    that token is a shared state's, never a browser's, so the warning says nothing."""

    def __init__(self, tokens: tuple[str, ...]) -> None:
        super().__init__()
        self.tokens = tokens

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(f"disconnected client {token!r}" in message for token in self.tokens)


def quiet_shared_token_warning(*tokens: str) -> None:
    logging.getLogger("reflex.app").addFilter(_SharedTokenNoise((LIVE_TOKEN, *tokens)))


class LiveSink:
    """Subscribed to the hub; writes through `app.modify_state` so every browser updates."""

    def __init__(self, app: rx.App) -> None:
        self._app = app
        # The frequent events ("heard" every ~100 ms of agent audio, "speaking") of every call
        # are folded into one state change: each call's latest, applied once the hub's queue
        # is drained (a state change per event was an eighth of the app's CPU at 25 calls).
        self._hearing: dict[int, tuple[str, float]] = {}
        self._speaking: dict[int, str] = {}
        self._flushing: asyncio.Task[None] | None = None

    def _token(self) -> rx.BaseStateToken:
        return rx.BaseStateToken(ident=LIVE_TOKEN, cls=LiveState)

    def _fold(self, event: CallEvent) -> None:
        if event.kind == "heard":
            data = event.data
            heard = (str(data.get("text") or ""), float(data.get("heard_ms") or 0))
            self._hearing[event.call_id] = heard
        else:
            self._speaking[event.call_id] = _speaker(event.data)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        while self._hearing or self._speaking:
            hearing, self._hearing = self._hearing, {}
            speaking, self._speaking = self._speaking, {}
            try:
                async with self._app.modify_state(self._token()) as root:
                    live = await root.get_state(LiveState)
                    for call_id, who in speaking.items():
                        live._set_speaking(call_id, who)
                    for call_id, (text, heard_ms) in hearing.items():
                        live._set_hearing(call_id, text, heard_ms)
            except Exception:
                log.exception("live view: who speaks and words heard not applied")

    async def _settle(self) -> None:
        """Apply what was folded before an event that must come after it (a turn replaces
        the words heard so far)."""
        if self._flushing is not None:
            await self._flushing
        await self._flush()

    async def __call__(self, event: CallEvent) -> None:
        if event.kind in ("heard", "speaking"):
            self._fold(event)
            return
        await self._settle()
        turn = _turn_from(event) if event.kind == "turn" else None
        if turn is not None:
            async with self._app.modify_state(self._token()) as root:
                live = await root.get_state(LiveState)
                if live._add_turn(event.call_id, turn):
                    return
        # Anything else (or a turn for a card not shown yet): read the call as committed.
        card, active = await asyncio.to_thread(load_card, event.call_id)
        async with self._app.modify_state(self._token()) as root:
            live = await root.get_state(LiveState)
            if card is not None and active and event.kind != "call_ended":
                live._put_card(card)
            else:
                live._drop_card(event.call_id)
            item = _activity(event, card)
            if item is not None:
                live._note(item)

    async def reconcile(self) -> None:
        """Make the shared list match the calls in progress in the database."""
        cards = await asyncio.to_thread(load_active_cards)
        recent = await asyncio.to_thread(load_recent_activity)
        async with self._app.modify_state(self._token()) as root:
            live = await root.get_state(LiveState)
            live._replace_all(cards)
            if not live.activity:
                live.activity = recent
