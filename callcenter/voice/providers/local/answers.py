"""`CallerAnswers`: which answer the caller's last words are, and which earlier one they finish."""

from dataclasses import dataclass


@dataclass(slots=True)
class CallerAnswers:
    """The local session's record of the caller's answers, between the listener and the dialog.

    Each stretch of speech is an answer, named by its item. A caller who goes on after a pause
    is heard whole again by the listener: those words finish the earlier answer and keep its
    name, and when the dialog already replied to the first words, that reply is taken back (or
    the whole answer is kept quietly) before the whole is answered."""

    words: str | None = None  # the last words heard, until answered or passed over
    # Words heard over the agent are answerable when the bridge cut the agent off for them, or
    # when they interrupt by the bridge's own rule (a backchannel is never answered by mistake).
    answerable: bool = True
    item: str = ""  # which answer `words` are
    finishes: str = ""  # the earlier answer they complete, if any
    resumed_from: str = ""  # the speech under way goes on with this answer
    last_item: str = ""  # the last answer that ended
    last_text: str = ""  # its words, whole
    answered: str = ""  # the last answer the dialog replied to

    def speech_began(self, *, resumes: bool) -> None:
        """The caller began speaking; `resumes`: the listener hears it as the last answer's rest."""
        self.resumed_from = self.last_item if resumes else ""

    def speech_ended(self, text: str, item: str) -> str:
        """The listener heard `text` for the speech `item`: the words this stretch adds (only the
        new ones when it repeats the answer it finishes, word for word, and goes on)."""
        answer = self.resumed_from or item  # a resumed answer keeps its first stretch's name
        added = text
        if self.resumed_from and f"{text} ".startswith(f"{self.last_text} "):
            added = text[len(self.last_text) :].strip()
        self.words, self.item = text, answer
        self.finishes, self.last_item, self.last_text = self.resumed_from, answer, text
        return added

    def typed(self, text: str) -> None:
        """Keyed digits: an answer of their own, answered when the bridge asks."""
        self.words, self.item, self.finishes, self.answerable = text, "", "", True

    @property
    def finishes_answered(self) -> bool:
        """The last words complete an answer the dialog has already replied to."""
        return bool(self.finishes) and self.finishes == self.answered

    def take(self) -> str | None:
        """The last words, if the caller may be answered for them; either way they are used up."""
        words, self.words = self.words, None
        return words if self.answerable else None

    def replying(self) -> bool:
        """The dialog replies to the words just taken. True: they finish an answer it already
        replied to, and that reply must be taken back first."""
        take_back = self.finishes_answered
        self.answered = self.item
        return take_back
