"""The local engine's lead-qualification dialog: what to say next and which tools to call.

Pure logic, no audio: it takes recognised words (or silence) and returns the agent's next turn.
"""

import copy
import enum
import json
from dataclasses import dataclass, field
from typing import Any

from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local import understanding as nlu
from callcenter.voice.providers.local import vocabulary as v


class State(enum.Enum):
    NAME = "name"
    BUSINESS = "business"
    NEED = "need"
    EMAIL = "email"
    EMAIL_CONFIRM = "email_confirm"
    EMAIL_SPELL = "email_spell"
    PHONE_CONFIRM = "phone_confirm"
    PHONE = "phone"
    PHONE_READBACK = "phone_readback"
    DONE = "done"


# The question that ends the agent's turn in each state (each one distinct, so a listener can
# tell from the audio alone what was asked).
QUESTIONS: dict[State, str] = {
    State.NAME: "May I have your name, please?",
    State.BUSINESS: "What kind of business do you run?",
    State.NEED: "What can we help you with?",
    State.EMAIL: "What is the best email address to reach you?",
    State.EMAIL_CONFIRM: "Is that email right?",
    State.EMAIL_SPELL: "Please spell your email address, letter by letter.",
    State.PHONE_CONFIRM: "Is that the best number to reach you?",
    State.PHONE: "What number should we call you back on?",
    State.PHONE_READBACK: "Is that number right?",
    State.DONE: "Goodbye!",
}

SEARCH_FOR: dict[State, str] = {
    State.NAME: grammars.NAME,
    State.BUSINESS: grammars.BUSINESS,
    State.NEED: grammars.NEED,
    State.EMAIL: grammars.EMAIL,
    State.EMAIL_CONFIRM: grammars.YESNO,
    State.EMAIL_SPELL: grammars.SPELL,
    State.PHONE_CONFIRM: grammars.YESNO,
    State.PHONE: grammars.DIGITS,
    State.PHONE_READBACK: grammars.YESNO,
    State.DONE: grammars.YESNO,
}

MAX_SILENT_PROMPTS = 2
MAX_MISSES = 2
# Read-backs of an address the caller may turn down (the one heard and two spellings): after
# that the address is left for the team to confirm rather than saved wrong or asked forever.
MAX_EMAIL_READBACKS = 3


@dataclass
class Turn:
    """What the agent does next: speak `say`, then call `tools` (name, arguments) in order."""

    say: str
    tools: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def ends_call(self) -> bool:
        return any(name == "end_call" for name, _ in self.tools)


@dataclass
class LeadSoFar:
    name: str = ""
    business_type: str = ""
    need: str = ""
    email: str = ""
    email_spoken: str = ""
    phone: str = ""
    phone_candidate: str = ""


class Dialog:
    """Greet, then name → business → need → email (read back) → phone (confirm) → goodbye."""

    def __init__(
        self,
        *,
        company: str,
        caller_number: str | None = None,
        direction: str = "inbound",
        lead_name: str | None = None,
        notice: str | None = None,
    ) -> None:
        self.company = company
        self.notice = notice or ""
        self.caller_number = caller_number or ""
        self.direction = direction
        self.lead_name = lead_name or ""
        self.state = State.NAME
        self.lead = LeadSoFar()
        self.last_said = ""
        self._silent_prompts = 0
        self._misses = 0
        self._turned_down = 0  # read-backs of the address the caller said were wrong
        self._unspelled = 0  # spellings of it that could not be read at all
        self._before_answer: dict[str, Any] | None = None  # as it was before the last answer

    @property
    def search(self) -> str:
        """The recogniser search to listen with now."""
        return SEARCH_FOR[self.state]

    @property
    def hints(self) -> list[str]:
        """Words the caller already said that their email address probably contains."""
        names = self.lead.name.lower().split()
        trade = [w for w in self.lead.business_type.lower().split() if len(w) > 2]
        words = names + trade + [grammars.plural(w) for w in trade]  # "tire shop" → "tires"
        return list(dict.fromkeys(w for w in words if w.isalpha()))

    @property
    def caller(self) -> tuple[str, str]:
        """The caller's name and business as heard so far."""
        return self.lead.name, self.lead.business_type

    @property
    def finished(self) -> bool:
        return self.state is State.DONE

    def complete(self, words: str) -> bool:
        """True when `words` (a partial result) already fully answer the current question.

        The listener then ends the turn at a short pause. Only closed answers qualify: a yes or
        no, a business type no longer type extends, a first and last name, an email address
        ending in a domain suffix, a whole phone number. Open answers (the need) wait for the
        endpointer.
        """
        text = words.lower().strip()
        if not text or nlu.is_repeat(text):
            return bool(text)
        state = self.state
        if state in (State.EMAIL_CONFIRM, State.PHONE_CONFIRM, State.PHONE_READBACK):
            return nlu.yes_or_no(text) is not None
        if state is State.NAME:
            name = nlu.parse_name(text).lower().split()  # the grammar: first [last]
            return len(name) == 2 and name[0] in _FIRST and name[1] in _LAST
        if state is State.BUSINESS:
            business = nlu.parse_business(text)
            longer = any(b.startswith(business + " ") for b in v.BUSINESS_TYPES)
            return business in v.BUSINESS_TYPES and not longer
        if state is State.EMAIL:
            return bool(nlu.parse_email(text)[0]) and text.split()[-1] in v.TLDS
        if state is State.EMAIL_SPELL:
            email = nlu.parse_spelled(text)[0]
            return bool(email) and email.rsplit(".", 1)[-1] in _FULL_TLDS
        if state is State.PHONE:
            digits = nlu.parse_digits(text)
            return (len(digits) == 10 and digits[0] != "1") or len(digits) == 11
        return False

    def opening(self) -> Turn:
        if self.direction == "outbound":
            hello = f"Hi{', ' + self.lead_name if self.lead_name else ''}! "
            intro = f"This is the virtual assistant calling from {self.company}. "
        elif self.lead_name:
            hello = f"Welcome back, {self.lead_name}! Thanks for calling {self.company}. "
            intro = "I can update your details for our team. "
        else:
            hello = f"Thanks for calling {self.company}! "
            intro = "I can get you set up with our team. "
        notice = f"{self.notice} " if self.notice else ""
        return self._say(notice + hello + intro + QUESTIONS[State.NAME])

    def on_silence(self) -> Turn:
        """The caller said nothing for a while after the agent's question."""
        if self.finished:
            return Turn("")
        self._silent_prompts += 1
        if self._silent_prompts > MAX_SILENT_PROMPTS:
            return self._goodbye("I can't hear you, so I'll let you go. ", "caller silent")
        return self._say("Are you still there? " + QUESTIONS[self.state])

    def on_tool_result(self, name: str, output: str) -> Turn | None:
        """A tool answered; returns a turn only when the agent must react (a field to re-ask)."""
        if name != "save_lead_details" or _tool_ok(output):
            return None
        lowered = output.lower()
        if "email" in lowered and self.state not in (State.DONE,):
            self.lead.email = ""
            self.state = State.EMAIL_SPELL
            return self._say("Sorry, I couldn't use that email. " + QUESTIONS[State.EMAIL_SPELL])
        if "phone" in lowered and self.state not in (State.DONE,):
            self.state = State.PHONE
            return self._say("Sorry, that number didn't work. " + QUESTIONS[State.PHONE])
        return None

    def on_utterance(self, text: str) -> Turn:
        """The caller finished speaking; `text` is what the recogniser heard ("" if nothing)."""
        self._silent_prompts = 0
        self._before_answer = copy.deepcopy(
            {k: v for k, v in vars(self).items() if k != "_before_answer"}
        )
        if self.finished:  # the caller talked over the goodbye: say it once more, hang up
            return self._goodbye("Thanks again. ", "lead captured")
        if nlu.is_repeat(text):
            return self._say(self.last_said or QUESTIONS[self.state])
        handler = _HANDLERS[self.state]
        turn = handler(self, text.strip())
        if turn is None:
            return self._not_understood()
        self._misses = 0
        return turn

    def take_back(self) -> None:
        """Forget the last answer, as if it was never given: the caller had not finished it
        (they paused, the agent took the words so far, they went on). The whole answer then
        comes to `on_utterance` again. Tools the agent called for it stand; the redo's calls
        carry the corrected fields after them."""
        if self._before_answer is not None:
            vars(self).update(self._before_answer)
            self._before_answer = None

    def revise(self, text: str) -> Turn | None:
        """The caller's last answer heard whole, after the agent began its reply to the first
        words ("my name is Kevin … Patel", the rest too short to interrupt): take it when the
        reply stands as it is being said, and return that turn (its tools carry the whole
        answer). Otherwise keep the answer as it was and return None: nothing the caller
        hears may disagree with what is kept."""
        if self._before_answer is None:
            return None
        kept = copy.deepcopy(vars(self))
        said = self.last_said
        self.take_back()
        turn = self.on_utterance(text)
        if turn.say == said:
            return turn
        vars(self).update(kept)
        return None

    # -- per-state handlers: return None when the words do not answer the question --------

    def _name(self, text: str) -> Turn | None:
        name = nlu.parse_name(text)
        if not name:
            return None
        self.lead.name = name
        self.state = State.BUSINESS
        return self._say(f"Nice to meet you, {name.split()[0]}. {QUESTIONS[State.BUSINESS]}")

    def _business(self, text: str) -> Turn | None:
        business = nlu.parse_business(text)
        if not business:
            return None
        self.lead.business_type = business
        self.state = State.NEED
        return self._say(f"A {business}, great. {QUESTIONS[State.NEED]}")

    def _need(self, text: str) -> Turn | None:
        need = nlu.parse_need(text)
        if not need:
            return None
        self.lead.need = need
        self.state = State.EMAIL
        fields = {"name": self.lead.name, "business_type": self.lead.business_type, "need": need}
        return self._say(f"Got it, we can help with that. {QUESTIONS[State.EMAIL]}", fields)

    def _email(self, text: str) -> Turn | None:
        email, spoken = nlu.parse_email(text)
        if not email:
            return None
        if not self._likely_email(text):  # a guess from common words: have it spelled
            self.state = State.EMAIL_SPELL
            return self._say("Sorry, could you spell that for me? " + QUESTIONS[State.EMAIL_SPELL])
        self.lead.email, self.lead.email_spoken = email, spoken
        self.state = State.EMAIL_CONFIRM
        return self._say(read_back(spoken))

    def _email_spell(self, text: str) -> Turn | None:
        email, spoken = nlu.parse_spelled(text)
        if not email:
            return None
        self.lead.email, self.lead.email_spoken = email, spoken
        self.state = State.EMAIL_CONFIRM
        return self._say(read_back(spoken))

    def _email_confirm(self, text: str) -> Turn | None:
        answer = nlu.yes_or_no(text)
        if answer is None:
            return None
        if not answer:
            self.lead.email = ""
            self._turned_down += 1
            if self._turned_down >= MAX_EMAIL_READBACKS:
                return self._leave_email()
            self.state = State.EMAIL_SPELL
            return self._say("Sorry about that. " + QUESTIONS[State.EMAIL_SPELL])
        return self._after_email()

    def _leave_email(self) -> Turn:
        """Go on without the address: the team will confirm it (nothing wrong is saved)."""
        self.lead.email = self.lead.email_spoken = ""
        return self._after_email(
            f"Sorry, I couldn't get your email; someone from {self.company} "
            "will confirm it with you."
        )

    def _after_email(self, opening: str = "Thanks.") -> Turn:
        saved = {"email": self.lead.email} if self.lead.email else None
        if self.caller_number:
            self.state = State.PHONE_CONFIRM
            digits = nlu.say_digits(self.caller_number)
            return self._say(
                f"{opening} I see you're calling from {digits}. " + QUESTIONS[State.PHONE_CONFIRM],
                saved,
            )
        self.state = State.PHONE
        return self._say(f"{opening} {QUESTIONS[State.PHONE]}", saved)

    def _phone_confirm(self, text: str) -> Turn | None:
        answer = nlu.yes_or_no(text)
        if answer is None:
            return None
        if answer:
            self.lead.phone = self.caller_number
            return self._wrap_up({"phone": self.caller_number})
        self.state = State.PHONE
        return self._say("No problem. " + QUESTIONS[State.PHONE])

    def _phone(self, text: str) -> Turn | None:
        digits = nlu.parse_digits(text)
        if len(digits) < 7:
            return None
        self.lead.phone_candidate = nlu.to_e164(digits)
        self.state = State.PHONE_READBACK
        return self._say(f"I have {nlu.say_digits(digits)}. {QUESTIONS[State.PHONE_READBACK]}")

    def _phone_readback(self, text: str) -> Turn | None:
        answer = nlu.yes_or_no(text)
        if answer is None:
            return None
        if not answer:
            self.state = State.PHONE
            return self._say("Let's try again. " + QUESTIONS[State.PHONE])
        self.lead.phone = self.lead.phone_candidate
        return self._wrap_up({"phone": self.lead.phone})

    # -- helpers ----------------------------------------------------------------------------

    def _likely_email(self, text: str) -> bool:
        """Whether a spoken address is built from what the caller told us: the part before
        "at" from their name or a mailbox word (info, sales), the domain from their name or
        trade or a mail provider. An address of other words is a low-confidence guess."""
        words = nlu.email_words(text)
        if words is None:
            return False
        local, domain = words
        known = set(self.hints)
        local_ok = bool(local) and all(w in known or w in _MAILBOX for w in local)
        domain_ok = " ".join(domain) in v.EMAIL_DOMAINS or any(w in known for w in domain)
        return local_ok and domain_ok

    def _wrap_up(self, fields: dict[str, str]) -> Turn:
        first = self.lead.name.split()[0] if self.lead.name else "there"
        where = f" at {self.lead.email_spoken}" if self.lead.email else ""
        summary = (
            f"Perfect, {first}. Someone from {self.company} will follow up{where} "
            "within one business day. "
        )
        turn = self._goodbye(summary, "lead captured")
        turn.tools.insert(0, ("save_lead_details", fields))
        return turn

    def _goodbye(self, text: str, reason: str) -> Turn:
        self.state = State.DONE
        return self._say(text + QUESTIONS[State.DONE], tool=("end_call", {"reason": reason}))

    def _not_understood(self) -> Turn:
        self._misses += 1
        if self.state is State.EMAIL_SPELL:
            self._unspelled += 1
            if self._unspelled >= MAX_MISSES:  # the rest of the call is still worth having
                self._misses = 0
                return self._leave_email()
        if self.state is State.EMAIL and self._misses >= MAX_MISSES:
            self.state = State.EMAIL_SPELL
        if self._misses > MAX_MISSES + 1:
            return self._goodbye(
                "I'm having trouble understanding, so someone from our team will call you. ",
                "could not understand caller",
            )
        return self._say("Sorry, I didn't catch that. " + QUESTIONS[self.state])

    def _say(
        self,
        text: str,
        fields: dict[str, str] | None = None,
        tool: tuple[str, dict[str, Any]] | None = None,
    ) -> Turn:
        self.last_said = text
        tools: list[tuple[str, dict[str, Any]]] = []
        if fields:
            tools.append(("save_lead_details", {k: val for k, val in fields.items() if val}))
        if tool:
            tools.append(tool)
        return Turn(text, tools)


def read_back(spoken: str) -> str:
    """The agent's read-back of an address, in its spoken form, asking whether it is right."""
    return f"I have {spoken}. {QUESTIONS[State.EMAIL_CONFIRM]}"


_MAILBOX = set(v.EMAIL_WORDS)
_FIRST = set(v.FIRST_NAMES)
_LAST = set(v.LAST_NAMES)
_FULL_TLDS = {"com", "net", "org"}  # spelled suffixes no longer suffix extends ("co" → "com")


def _tool_ok(output: str) -> bool:
    try:
        data = json.loads(output)
    except ValueError:
        return not output.lower().startswith("error")
    if isinstance(data, dict):
        return bool(data.get("ok", "error" not in data))
    return True


_HANDLERS = {
    State.NAME: Dialog._name,
    State.BUSINESS: Dialog._business,
    State.NEED: Dialog._need,
    State.EMAIL: Dialog._email,
    State.EMAIL_CONFIRM: Dialog._email_confirm,
    State.EMAIL_SPELL: Dialog._email_spell,
    State.PHONE_CONFIRM: Dialog._phone_confirm,
    State.PHONE: Dialog._phone,
    State.PHONE_READBACK: Dialog._phone_readback,
}
