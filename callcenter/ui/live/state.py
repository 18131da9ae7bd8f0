"""The shared live state every signed-in browser links to, and how events change it."""

import reflex as rx

from callcenter.ui.live.cards import MAX_ACTIVITY, MAX_TURNS_PER_CARD, Activity, LiveCard, LiveTurn
from callcenter.ui.live.feed import merged

LIVE_TOKEN = "live-calls"  # the shared token (Reflex forbids underscores in it)


class LiveState(rx.SharedState):
    """Calls in progress and the recent-activity feed, identical in every linked browser."""

    calls: rx.Field[list[LiveCard]] = rx.field(default_factory=list)
    activity: rx.Field[list[Activity]] = rx.field(default_factory=list)

    @rx.var
    def active_count(self) -> int:
        return len(self.calls)

    # --- mutations used by the live sink (always inside app.modify_state) ---------------

    def _index(self, call_id: int) -> int:
        for i, card in enumerate(self.calls):
            if card.id == call_id:
                return i
        return -1

    def _put_card(self, card: LiveCard) -> None:
        i = self._index(card.id)
        calls = list(self.calls)
        if i < 0:
            calls.insert(0, card)
        else:
            card.speaking = card.speaking or calls[i].speaking
            calls[i] = card
        self.calls = calls

    def _drop_card(self, call_id: int) -> None:
        self.calls = [card for card in self.calls if card.id != call_id]

    def _add_turn(self, call_id: int, turn: LiveTurn) -> bool:
        """Append a turn to a card already shown; False when the card is not here."""
        i = self._index(call_id)
        if i < 0:
            return False
        card = self.calls[i]
        if any(t.key == turn.key for t in card.turns):
            return True
        card.turns = [*card.turns, turn][-MAX_TURNS_PER_CARD:]
        if turn.role == "agent":
            card.hearing = ""  # the written turn replaces the words shown as heard
        self.calls = [*self.calls[:i], card, *self.calls[i + 1 :]]
        return True

    def _set_hearing(self, call_id: int, text: str, heard_ms: float = 0.0) -> None:
        i = self._index(call_id)
        if i < 0 or self.calls[i].hearing == text:
            return
        card = self.calls[i]
        card.hearing, card.heard_ms = text, heard_ms
        self.calls = [*self.calls[:i], card, *self.calls[i + 1 :]]

    def _set_speaking(self, call_id: int, who: str) -> None:
        i = self._index(call_id)
        if i < 0 or self.calls[i].speaking == who:
            return
        card = self.calls[i]
        card.speaking = who
        self.calls = [*self.calls[:i], card, *self.calls[i + 1 :]]

    def _note(self, item: Activity) -> None:
        self.activity = merged(self.activity, item, limit=MAX_ACTIVITY)

    def _replace_all(self, cards: list[LiveCard]) -> None:
        self.calls = cards
