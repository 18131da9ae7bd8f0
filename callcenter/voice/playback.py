"""What the caller has actually heard: marks after each forwarded chunk, counted in bytes."""

from dataclasses import dataclass, field

from callcenter.voice.line import MULAW_BYTES_PER_MS


def b64_len(payload: str) -> int:
    """Decoded size of a base64 string, without decoding it."""
    return len(payload) * 3 // 4 - payload.endswith("=") - payload.endswith("==")


@dataclass(slots=True)
class ItemAudio:
    """Agent audio of one item: bytes forwarded to Twilio and bytes Twilio said it played."""

    item_id: str
    content_index: int
    sent: int = 0
    played: int = 0

    @property
    def played_ms(self) -> int:
        # Clamped to what was received, so a truncate never points past the item's audio.
        return min(self.played, self.sent) // MULAW_BYTES_PER_MS


@dataclass(frozen=True, slots=True)
class Interruption:
    item_id: str
    content_index: int
    audio_end_ms: int
    played: int
    sent: int


@dataclass(slots=True)
class Playback:
    """Per-call playback ledger: pending marks in order, and the item being played."""

    current: ItemAudio | None = None
    pending: dict[str, tuple[str, int]] = field(default_factory=dict)
    items: dict[str, ItemAudio] = field(default_factory=dict)
    seq: int = 0

    def forwarded(self, item_id: str, content_index: int, nbytes: int) -> str:
        """Record a forwarded chunk; returns the unique mark name to send after it."""
        item = self.current
        if item is None or item.item_id != item_id or item.content_index != content_index:
            item = self.items.get(item_id)
            if item is None or item.content_index != content_index:
                item = ItemAudio(item_id=item_id, content_index=content_index)
                self.items[item_id] = item
            self.current = item
        item.sent += nbytes
        self.seq += 1
        name = f"a{self.seq}"
        self.pending[name] = (item_id, item.sent)
        return name

    def acknowledged(self, name: str) -> ItemAudio | None:
        """Twilio echoed a mark: its audio has played. Stale (cleared) marks return None."""
        entry = self.pending.pop(name, None)
        if entry is None:
            return None
        item = self.items.get(entry[0])
        if item is None:
            return None
        item.played = max(item.played, entry[1])
        return item

    @property
    def has_pending(self) -> bool:
        return bool(self.pending)

    def pending_for(self, item_id: str) -> int:
        return sum(1 for item, _ in self.pending.values() if item == item_id)

    def interrupt(self) -> Interruption | None:
        """The caller barged in: forget pending marks (their echoes are now stale) and say how
        much of the current item was heard."""
        item = self.current
        self.pending.clear()
        self.current = None
        if item is None:
            return None
        return Interruption(
            item_id=item.item_id,
            content_index=item.content_index,
            audio_end_ms=item.played_ms,
            played=min(item.played, item.sent),
            sent=item.sent,
        )


def cut_at_word(text: str, fraction: float) -> str:
    """The first `fraction` of `text`, cut back to a word boundary."""
    if fraction >= 1:
        return text
    if fraction <= 0:
        return ""
    limit = int(len(text) * fraction)
    if limit < len(text) and not text[limit].isspace():
        space = text.rfind(" ", 0, limit + 1)
        limit = space if space >= 0 else 0
    return text[:limit].rstrip(" ,;:-")
