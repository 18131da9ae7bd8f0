"""The offline extractor's rules: read the caller's turns in order, the agent's last question
telling what a bare answer is about; the latest value for a field wins, corrections included."""

import re
from dataclasses import dataclass, field

from callcenter.leads.extractor import Turn
from callcenter.leads.normalize import TITLES
from callcenter.leads.spoken import digit_runs, find_emails, tokens
from callcenter.leads.vocab import (
    BUSINESS_STOP,
    INDUSTRY_WORDS,
    NAME_STOP,
    NOT_NAMES,
    PLACE_WORDS,
    QUESTION_KEYWORDS,
)

_CORRECTION = re.compile(
    r"\b(?:no,?\s+wait|wait,?\s+no|no\s+no|sorry,?\s+(?:no|i\s+mean)|sorry|actually|i\s+mean|"
    r"correction|scratch\s+that|let\s+me\s+correct\s+that|my\s+mistake|oops)\b[,.!]?",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = r"[A-Za-z][A-Za-z'\-]*"
_HELLO = r"(?:hi|hello|hey|yeah|yes)"
_NAME_PATTERNS = [
    re.compile(rf"\bmy\s+name(?:'s|\s+is)\s+(?P<name>{_WORD}(?:\s+{_WORD}){{0,3}})", re.I),
    re.compile(rf"\bname(?:'s|\s+is)\s+(?P<name>{_WORD}(?:\s+{_WORD}){{0,3}})", re.I),
    re.compile(rf"\b(?:you\s+can\s+)?call\s+me\s+(?P<name>{_WORD}(?:\s+{_WORD}){{0,2}})", re.I),
    re.compile(rf"\bthis\s+is\s+(?P<name>{_WORD}(?:\s+{_WORD}){{0,3}})", re.I),
    re.compile(rf"\b(?:i'm|i\s+am|im)\s+(?P<name>{_WORD}(?:\s+{_WORD}){{0,3}})", re.I),
    re.compile(rf"^{_HELLO}?[,\s]*(?P<name>{_WORD}(?:\s+{_WORD})?)\s+here\b", re.I),
    re.compile(rf"^{_HELLO}?[,\s]*(?P<name>{_WORD}(?:\s+{_WORD})?)\s+speaking\b", re.I),
]
_COMPANY = re.compile(
    rf"\b(?:from|with|over\s+at|i\s+own|i\s+run|owner\s+of|calling\s+from)\s+"
    rf"(?P<company>{_WORD}(?:\s+{_WORD}){{0,4}})",
    re.I,
)
# "Frank Lopez, Lopez Roofing": a capitalised name ending in a trade.
_TRADE_NAME = re.compile(r"\b(?:[A-Z][\w'&]+\s+){1,3}(?P<trade>[A-Z][a-z]+)\b")
_BUSINESS_PATTERNS = [
    re.compile(
        r"\b(?:i|we)(?:'ve|\s+have)?\s+(?:run|own|have|got|operate|manage|started|opened)\s+"
        r"(?:a|an|our|my)\s+"
        r"(?P<b>[a-z][a-z\s'\-&]*)",
        re.I,
    ),
    re.compile(
        r"\b(?:we're|we\s+are|i'm|i\s+am|im)\s+(?:just\s+)?(?:a|an)\s+(?P<b>[a-z][a-z\s'\-&]*)",
        re.I,
    ),
    re.compile(
        r"\b(?:i'm|i\s+am|we're|we\s+are|im)\s+in\s+(?:the\s+)?(?P<b>[a-z][a-z\s'\-&]*?)\s+"
        r"(?:business|industry|trade|field)\b",
        re.I,
    ),
    re.compile(r"\b(?:my|our)\s+(?P<b>[a-z][a-z\s'\-&]*?)\s+(?:business|company)\b", re.I),
    re.compile(r"\bwe\s+do\s+(?!need|want|have|not)(?P<b>[a-z][a-z\s'\-&]*)", re.I),
]
# Weak: "… for our law firm" counts only when nothing better was said, and only for a place.
_OUR_PLACE = re.compile(r"\b(?:for|at|of|in)\s+(?:my|our)\s+(?P<b>[a-z][a-z\s'\-&]*)", re.I)
_NEED_PATTERNS = [
    re.compile(
        r"\b(?:i|we)\s+(?:really\s+|also\s+|just\s+)?(?:need|want|would\s+like|'d\s+like|"
        r"are\s+looking\s+for|am\s+looking\s+for|'re\s+looking\s+for|'m\s+looking\s+for)\s+"
        r"(?P<n>[^.!?]+)",
        re.I,
    ),
    re.compile(
        r"\b(?:i'm|im|i\s+am|we're|we\s+are)\s+(?:looking|hoping|trying)\s+(?:for|to)\s+"
        r"(?P<n>[^.!?]+)",
        re.I,
    ),
    re.compile(r"\binterested\s+in\s+(?P<n>[^.!?]+)", re.I),
    re.compile(r"\bhelp\s+(?:with|getting)\s+(?P<n>[^.!?]+)", re.I),
    re.compile(r"\bcalling\s+(?:about|because|regarding|to\s+ask\s+about)\s+(?P<n>[^.!?]+)", re.I),
]
_ANSWER_LEADS = re.compile(
    r"^(?:(?:oh|um+|uh+|well|so|yeah|yes|yep|sure|ok|okay|right|hi|hello|it's|its|it\s+is|"
    r"that's|that\s+is|this\s+is|we're|we\s+are|i'm|i\s+am|mostly|mainly|basically|i\s+think|"
    r"we\s+do|i\s+do|i\s+run|i've\s+got|we've\s+got|we\s+run|i\s+own|we\s+own|we\s+have|i\s+have|we're\s+in|"
    r"i'm\s+in|in|just|of\s+course|absolutely)\b[,\s]*)+",
    re.I,
)
_MAX_NEED_WORDS = 25
# The agent checking an address it read back ("I have d, a, n, a, at …. Is that email right?",
# "Did I get your email address right?") and a caller turning it down ("No.", "Nope, it's …").
_EMAIL_CHECK = re.compile(
    r"\b(?:email|e-mail|address)\b[^.!?]*\b(?:right|correct)\b[^.!]*\?"
    r"|\b(?:right|correct)\b[^.!]*\b(?:email|e-mail|address)\b[^.!]*\?",
    re.I,
)
_TURNED_DOWN = re.compile(
    r"^\W*(?:no|nope|nah|not quite|not right|incorrect|wrong|that's (?:wrong|not (?:it|right)))\b",
    re.I,
)


@dataclass
class _State:
    found: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    last_field: str | None = None
    company: str | None = None
    need_set_explicitly: bool = False
    checking_email: bool = False  # the agent's last turn asked whether an address was right
    turned_down: set[str] = field(default_factory=set)  # addresses the caller said were wrong


def extract_raw(turns: list[Turn]) -> dict[str, str | None]:
    """The fields the caller stated, as said (normalisation comes after)."""
    state = _State()
    for turn in turns:
        if turn.role == "caller":
            if state.checking_email and _TURNED_DOWN.search(turn.text):
                state.turned_down.add(state.found.pop("email", ""))
            state.checking_email = False
            _read_caller_turn(state, turn.text)
        else:
            state.asked = asked_about(turn.text)
            state.last_field = None
            state.checking_email = _checks_email(turn.text)
    if state.found.get("email") in state.turned_down:  # spelled again, still wrong
        del state.found["email"]
    out: dict[str, str | None] = dict(state.found)
    if "business_type" not in out and state.company:
        out["business_type"] = industry_of(state.company)
    return out


def _checks_email(agent_text: str) -> bool:
    """Whether the agent asks if an address is right: by name ("Is that email right?") or by
    reading one back and asking ("I have dana at reyes dot com. Is that correct?")."""
    if _EMAIL_CHECK.search(agent_text):
        return True
    asks = re.search(r"\b(?:right|correct)\b[^.!?]*\?\s*$", agent_text, re.I)
    address = "@" in agent_text or re.search(r"\bat\b,?\s[^?!]*\bdot\b", agent_text, re.I)
    return bool(asks) and bool(address)


def asked_about(agent_text: str) -> list[str]:
    """The fields the agent's last question (or closing request: "Please spell your email
    address.") asks for, in the order it names them."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", agent_text) if s.strip()]
    asks = [s for s in sentences[:-1] if s.rstrip().endswith("?")] + sentences[-1:]
    for sentence in reversed(asks):
        lowered = sentence.lower()
        hits = [(lowered.rfind(k), f) for f, keys in QUESTION_KEYWORDS.items() for k in keys]
        first: dict[str, int] = {}
        for position, name in sorted(h for h in hits if h[0] >= 0):
            first.setdefault(name, position)
        if first:
            return sorted(first, key=first.__getitem__)
    return []


def _read_caller_turn(state: _State, text: str) -> None:
    pieces = _CORRECTION.split(text)
    for index, piece in enumerate(pieces):
        if not piece.strip():
            continue
        correcting = index > 0
        found = _read_segment(state, piece, correcting=correcting)
        if found:
            state.last_field = found[-1]


def _read_segment(state: _State, text: str, *, correcting: bool) -> list[str]:
    words = tokens(text)
    got: list[str] = []
    emails = find_emails(words)
    if emails:
        state.found["email"] = emails[-1].address
        got.append("email")
    email_tokens = {i for m in emails for i in range(m.start, m.end)}
    phone = _phone(words, email_tokens)
    if phone is None and correcting and state.last_field == "phone":
        phone = _corrected_tail(state.found.get("phone"), words, email_tokens)
    if phone:
        state.found["phone"] = phone
        got.append("phone")
    name = _explicit_name(text)
    if name:
        state.found["name"] = name
        got.append("name")
    company = _COMPANY.search(text)
    if company:
        state.company = _trim(company.group("company"), BUSINESS_STOP)
    for trade in _TRADE_NAME.finditer(text):
        if industry_of(trade.group("trade")):
            state.company = trade.group(0)
    business = _explicit_business(text)
    if business is None and "business_type" not in state.found:
        business = _place_of_business(text)
    if business:
        state.found["business_type"] = business
        got.append("business_type")
    need = _explicit_need(text)
    if need and (correcting or not state.need_set_explicitly):
        state.found["need"] = need
        state.need_set_explicitly = True
        got.append("need")
    targets = [state.last_field] if correcting and state.last_field else state.asked
    for target in targets:
        if target in got:
            continue
        answer = _bare_answer(target, text)
        if answer:
            state.found[target] = answer
            got.append(target)
            if target == "need":
                state.need_set_explicitly = True
    return got


def _phone(words: list[str], skip: set[int]) -> str | None:
    best: str | None = None
    for start, end, digits in digit_runs(words):
        if any(i in skip for i in range(start, end)):
            continue
        count = len(digits.lstrip("+"))
        if 7 <= count <= 15:
            best = digits
    return best


def _corrected_tail(previous: str | None, words: list[str], skip: set[int]) -> str | None:
    """ "… oh one four seven. Wait no, oh one four eight": the new digits replace the tail."""
    if not previous:
        return None
    runs = [r for r in digit_runs(words) if not any(i in skip for i in range(r[0], r[1]))]
    if not runs:
        return None
    tail = runs[-1][2].lstrip("+")
    if not 1 <= len(tail) < len(previous.lstrip("+")):
        return None
    return previous[: len(previous) - len(tail)] + tail


def _explicit_name(text: str) -> str | None:
    for sentence in _SENTENCE.split(text):
        for pattern in _NAME_PATTERNS:
            for match in pattern.finditer(sentence.strip()):
                name = _name_words(match.group("name"))
                if name:
                    return name
    return None


def _name_words(candidate: str) -> str | None:
    """The leading words of `candidate` that can be a name ("Dana Reyes from …" → Dana Reyes)."""
    words: list[str] = []
    for raw in candidate.split():
        word = raw.strip(",.!?;:")
        lowered = word.lower()
        if not words and lowered.rstrip(".") in TITLES:
            continue
        if len(lowered) == 1:
            break
        if lowered in NAME_STOP or not re.fullmatch(r"[A-Za-z][A-Za-z'\-]*", word):
            break
        if not words and lowered in NOT_NAMES:
            return None
        if lowered in NOT_NAMES:
            break
        words.append(word)
        if raw.endswith((",", ".", "!", "?", ";")) or len(words) == 3:
            break
    if not words:
        return None
    return " ".join(words)


def _explicit_business(text: str) -> str | None:
    """The first business the caller names ("I'm an electrician, I run a small crew")."""
    found: list[tuple[int, str]] = []
    for pattern in _BUSINESS_PATTERNS:
        for match in pattern.finditer(text):
            phrase = _trim(match.group("b"), BUSINESS_STOP, limit=5)
            if phrase and phrase.split()[0].lower() not in {"lot", "question", "few", "couple"}:
                found.append((match.start(), phrase))
                break
    return min(found)[1] if found else None


def _place_of_business(text: str) -> str | None:
    match = _OUR_PLACE.search(text)
    if not match:
        return None
    phrase = _trim(match.group("b"), BUSINESS_STOP, limit=4)
    if not phrase:
        return None
    last = phrase.split()[-1].lower()
    return phrase if last in PLACE_WORDS or last in INDUSTRY_WORDS else None


def _explicit_need(text: str) -> str | None:
    for pattern in _NEED_PATTERNS:
        match = pattern.search(text)
        if match:
            need = _clause(match.group("n"))
            if need:
                return need
    return None


def _bare_answer(target: str, text: str) -> str | None:
    """A reply to the agent's question with no keyword of its own ("Dana Reyes.")."""
    if text.strip().endswith("?"):
        return None  # the caller asked something back ("Sorry, what was that?")
    answer = _ANSWER_LEADS.sub("", text.strip()).strip(" ,.!?")
    if not answer:
        return None
    if target == "name":
        spelled = _spelled(answer)
        parts = [p.strip() for p in re.split(r"[,.;]", answer) if p.strip()]
        names = [n for part in parts if (n := _name_words(part)) and not _a_trade(n)]
        name = max(names, key=lambda n: len(n.split()), default=None)
        if spelled and (not name or len(name.split()) == 1):
            return spelled.capitalize()
        return name
    if target == "business_type":
        first = re.split(r"[.!?]", answer)[0]
        return _trim(first, BUSINESS_STOP, limit=5)
    if target == "need":
        return _clause(answer)
    return None


def _a_trade(words: str) -> bool:
    """Words that name a business ("dry cleaning", "hobby shop"): a caller answering the next
    question before it was asked, not a name."""
    last = words.split()[-1].lower()
    return last in PLACE_WORDS or last in INDUSTRY_WORDS


def _spelled(text: str) -> str | None:
    """A run of at least three single letters ("D A Y N A", "d-a-y-n-a") joined."""
    match = re.search(r"\b([A-Za-z])(?:[\s\-]+([A-Za-z])\b){2,}", text)
    if not match:
        return None
    return re.sub(r"[\s\-]+", "", match.group(0)).lower()


def _trim(phrase: str, stop: set[str], *, limit: int = 5) -> str | None:
    words: list[str] = []
    for raw in phrase.split():
        word = raw.strip(",.!?;:")
        if word.lower() in stop:
            break
        words.append(word)
        if raw.endswith((",", ".", "!", "?", ";")) or len(words) == limit:
            break
    return " ".join(words) or None


def _clause(text: str) -> str | None:
    clause = re.split(r"[.!?]|\s+but\s+|,\s+and\s+my\s+", text.strip())[0].strip(" ,")
    words = clause.split()
    if len(words) < 1:
        return None
    return " ".join(words[:_MAX_NEED_WORDS])


def industry_of(company: str) -> str | None:
    """The trade a company name announces ("Reyes Plumbing" → "plumbing"), if any."""
    words = [w.lower().strip(",.") for w in company.split()]
    for size in (2, 1):
        for i in range(len(words) - size, -1, -1):
            chunk = " ".join(words[i : i + size])
            if chunk in INDUSTRY_WORDS:
                return INDUSTRY_WORDS[chunk]
    return None
