"""What the caller has actually heard, counted in bytes from Twilio's mark echoes.

Marks go out per ~100 ms of audio, not per chunk: one mark (out) and its echo (in) per 20 ms
delta were a third of a call's messages. Every chunk knows the mark that will cover it, so the
recorder can place it when that mark echoes."""

from dataclasses import dataclass, field

from callcenter.voice.line import MULAW_BYTES_PER_MS

MARK_EVERY_BYTES = 100 * MULAW_BYTES_PER_MS  # a mark per 100 ms of audio (and at each end)


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
    """Per-call playback ledger: pending marks in order, and the item being played.

    Chunks forwarded since the last mark form an open group, named in advance; its mark is sent
    once the group holds `mark_every` bytes, when another item starts (`boundary`) or when the
    response ends (`flush`)."""

    current: ItemAudio | None = None
    pending: dict[str, tuple[str, int]] = field(default_factory=dict)
    items: dict[str, ItemAudio] = field(default_factory=dict)
    seq: int = 0
    mark_every: int = MARK_EVERY_BYTES
    open_name: str = ""  # the mark that will cover the chunks forwarded since the last one
    open_bytes: int = 0

    def forwarded(self, item_id: str, content_index: int, nbytes: int) -> tuple[str, bool]:
        """Record a forwarded chunk: the name of the mark that covers it, and whether that mark
        is due now (send it right after the chunk). Call `boundary` first."""
        item = self.current
        if item is None or item.item_id != item_id or item.content_index != content_index:
            item = self.items.get(item_id)
            if item is None or item.content_index != content_index:
                item = ItemAudio(item_id=item_id, content_index=content_index)
                self.items[item_id] = item
            self.current = item
        item.sent += nbytes
        if not self.open_name:
            self.seq += 1
            self.open_name = f"a{self.seq}"
        name = self.open_name
        self.open_bytes += nbytes
        if self.open_bytes < self.mark_every:
            return name, False
        self._close()
        return name, True

    def boundary(self, item_id: str, content_index: int) -> str | None:
        """Before a chunk of `item_id`: the mark that closes the previous item's open group,
        if it is another item (send it before the chunk)."""
        item = self.current
        if not self.open_name or item is None:
            return None
        if item.item_id == item_id and item.content_index == content_index:
            return None
        return self.flush()

    def flush(self) -> str | None:
        """The response's audio is over: the mark for its unmarked tail, if any (send it)."""
        if not self.open_name:
            return None
        name = self.open_name
        self._close()
        return name

    def _close(self) -> None:
        item = self.current
        if item is not None:
            self.pending[self.open_name] = (item.item_id, item.sent)
        self.open_name, self.open_bytes = "", 0

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
        return bool(self.pending) or bool(self.open_name)

    def pending_for(self, item_id: str) -> int:
        """Marks of `item_id` not echoed yet (its open group counts as one)."""
        unsent = self.open_name and self.current is not None and self.current.item_id == item_id
        return sum(1 for item, _ in self.pending.values() if item == item_id) + bool(unsent)

    def interrupt(self) -> Interruption | None:
        """The caller barged in: forget pending marks (their echoes are now stale) and say how
        much of the current item was heard."""
        item = self.current
        self.pending.clear()
        self.current = None
        self.open_name, self.open_bytes = "", 0
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
