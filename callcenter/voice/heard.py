"""The agent's words as the caller hears them: the share of an item's audio that Twilio has
played (the marks barge-in uses) applied to its transcript, published word by word."""

from dataclasses import dataclass, field

from callcenter.voice.playback import cut_at_word


@dataclass(slots=True)
class HeardWords:
    """Per agent item, the words already shown as heard; only growth is worth publishing."""

    shown: dict[str, str] = field(default_factory=dict)

    def update(self, item_id: str, text: str, played: int, sent: int) -> str | None:
        """The words heard so far when they grew by a word or more since last time, else None.

        `played`/`sent` are bytes of the item's audio: the audio still to come is not known
        yet, so the share is of the text known so far (text and audio arrive together)."""
        if not sent or not text:
            return None
        heard = cut_at_word(text, min(played, sent) / sent)
        if len(heard) <= len(self.shown.get(item_id, "")):
            return None
        self.shown[item_id] = heard
        return heard

    def forget(self, item_id: str) -> None:
        """The item's turn is written (or cut off): its full text replaces the heard words."""
        self.shown.pop(item_id, None)
