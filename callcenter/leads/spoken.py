"""Spoken forms to written ones: digits read as words, and emails spelled out loud."""

import re
from dataclasses import dataclass

from callcenter.leads.vocab import DIGIT_WORDS, TLDS
from callcenter.leads.vocab import LOCAL_PART_STOP as _LOCAL_STOP

_UNITS = {**DIGIT_WORDS, "o": "0"}
_TEENS = {
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
_TENS = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
_REPEAT = {"double": 2, "triple": 3}
# Words said between groups of digits that do not end the number.
_RUN_GLUE = {"-", "dash", "then", "and", "area", "code"}
# "oh"/"o" only count as zero next to other digits ("five oh two"), never on their own.
_WEAK_ZERO = {"oh", "o"}
_SYMBOLS = {
    "dot": ".",
    "period": ".",
    "point": ".",
    "underscore": "_",
    "dash": "-",
    "hyphen": "-",
    "minus": "-",
    "plus": "+",
}
_FILLER = {"all", "one", "word", "lowercase", "lower", "case"}
_EMAIL_RE = re.compile(r"[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")


def tokens(text: str) -> list[str]:
    """Lower-case words, with sentence punctuation split off as its own tokens."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(?<=[a-z])-(?=[a-z](?:-|\b))", " ", text)  # d-a-n-a → d a n a
    out: list[str] = []
    for raw in text.split():
        word = raw.strip('"()[]{}')
        trail: list[str] = []
        while word and word[-1] in ",;:!?.":
            # Keep dots inside a token ("reyes.com"), split off trailing ones.
            trail.insert(0, word[-1])
            word = word[:-1]
        while word and word[0] in ",;:!?.":
            word = word[1:]
        if word:
            out.append(word)
        out.extend(trail)
    return out


def is_punct(token: str) -> bool:
    return token in {",", ";", ":", "!", "?", "."}


def _digit_value(token: str, previous_is_digit: bool, next_token: str | None) -> str | None:
    if token in _WEAK_ZERO:
        next_digit = next_token is not None and (
            next_token.isdigit() or next_token in _UNITS or next_token in _TENS
        )
        return "0" if previous_is_digit or next_digit else None
    if token in _UNITS:
        return _UNITS[token]
    if token in _TEENS:
        return _TEENS[token]
    cleaned = re.sub(r"[()\-.+]", "", token)
    if cleaned.isdigit() and re.fullmatch(r"\+?[\d()\-.]+", token):
        return cleaned
    return None


def digit_runs(words: list[str]) -> list[tuple[int, int, str]]:
    """Every run of digits said as words or figures: (first token, end token, digits).

    Punctuation and dashes do not break a run; any other word does. Handles "double five",
    "fifty five", "eight hundred", and "oh" as zero next to digits."""
    runs: list[tuple[int, int, str]] = []
    i = 0
    current = ""
    start = -1
    plus = False
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        produced: str | None = None
        consumed = 1
        if word in _REPEAT and nxt is not None:
            value = _digit_value(nxt, True, None)
            if value is not None and len(value) == 1:
                produced = value * _REPEAT[word]
                consumed = 2
        elif word in _TENS:
            unit = _UNITS.get(nxt or "")
            if unit is not None and nxt not in _WEAK_ZERO and unit != "0":
                produced = _TENS[word] + unit
                consumed = 2
            else:
                produced = _TENS[word] + "0"
        elif word == "hundred" and current:
            produced = "00"
        elif word == "plus" and nxt is not None and _digit_value(nxt, True, None) is not None:
            plus = not current
            produced = ""
        else:
            produced = _digit_value(word, bool(current), nxt)
        if produced is not None:
            if not current and start < 0:
                start = i
            current += produced
            i += consumed
            continue
        if (is_punct(word) or word in _RUN_GLUE) and current:
            i += 1
            continue
        if current:
            runs.append((start, i, ("+" if plus else "") + current))
        current, start, plus = "", -1, False
        i += 1
    if current:
        runs.append((start, len(words), ("+" if plus else "") + current))
    return runs


@dataclass(frozen=True, slots=True)
class EmailMatch:
    start: int
    end: int
    address: str


def find_emails(words: list[str]) -> list[EmailMatch]:
    """Emails written ("dana@x.com") or spoken ("d a n a at reyes plumbing dot com")."""
    found: list[EmailMatch] = []
    for index, word in enumerate(words):
        literal = _EMAIL_RE.search(word)
        if literal:
            found.append(EmailMatch(index, index + 1, literal.group(0)))
            continue
        if word not in ("at", "@"):
            continue
        local, local_start = _local_part(words, index)
        domain, end = _domain(words, index + 1)
        if local and domain:
            found.append(EmailMatch(local_start, end, f"{local}@{domain}"))
    return found


def _spoken_piece(token: str, next_token: str | None) -> tuple[str, int] | None:
    """One token of a spoken address as text, and how many tokens it took."""
    if token in _SYMBOLS:
        return _SYMBOLS[token], 1
    if token in _REPEAT and next_token and len(next_token) == 1:
        return next_token * _REPEAT[token], 2
    if token in _UNITS and token not in _WEAK_ZERO:
        return _UNITS[token], 1
    if re.fullmatch(r"[a-z0-9][a-z0-9._+-]*", token):
        return token, 1
    return None


def _local_part(words: list[str], at_index: int) -> tuple[str, int]:
    raw: list[str] = []
    i = at_index - 1
    word_count = 0
    while i >= 0:
        token = words[i]
        spelled_run = len(token) == 1 and bool(raw) and len(raw[0]) == 1
        if is_punct(token) or (token in _LOCAL_STOP and not spelled_run):
            break
        if _spoken_piece(token, None) is None and token not in _TENS and token not in _REPEAT:
            break
        if len(token) > 1 and token not in _SYMBOLS and token not in _UNITS:
            if token not in _TENS and token not in _REPEAT:
                word_count += 1
            if word_count > 3:
                break
        raw.insert(0, token)
        i -= 1
    local = _spoken_text(raw).strip(".-_+")
    if not local or not re.search(r"[a-z0-9]", local):
        return "", at_index
    return local, i + 1


def _spoken_text(raw: list[str]) -> str:
    """Spoken tokens of an address part as text: letters and words joined, "dot" → ".",
    "twenty two" → "22", "double s" → "ss"."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        token = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if token in _TENS:
            unit = _UNITS.get(nxt or "")
            if unit is not None and nxt not in _WEAK_ZERO and unit != "0":
                out.append(_TENS[token] + unit)
                i += 2
                continue
            out.append(_TENS[token] + "0")
            i += 1
            continue
        if token in _TEENS:
            out.append(_TEENS[token])
            i += 1
            continue
        piece = _spoken_piece(token, nxt)
        if piece is None:
            i += 1
            continue
        out.append(piece[0])
        i += piece[1]
    return "".join(out)


def _tld_prefix(text: str) -> bool:
    return any(tld.startswith(text) for tld in TLDS)


def _domain(words: list[str], start: int) -> tuple[str, int]:
    labels: list[str] = []
    i = start
    pending = ""
    while i < len(words):
        token = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if token in ("dot", "period", "point"):
            if not pending:
                return "", start
            labels.append(pending)
            pending = ""
            i += 1
            continue
        if token in _FILLER and pending:
            i += 1
            continue
        if is_punct(token) or len(labels) + bool(pending) > 4:
            break
        piece = _spoken_piece(token, nxt)
        if piece is None:
            break
        if "." in piece[0]:
            # A written tail like "reyes.com".
            parts = piece[0].strip(".").split(".")
            pending += parts[0]
            for part in parts[1:]:
                labels.append(pending)
                pending = part
            i += piece[1]
            if pending in TLDS:
                break
            continue
        if labels and pending == "" and piece[0] in TLDS:
            pending = piece[0]
            i += piece[1]
            # "dot co dot uk": keep going only if another dot follows.
            if nxt not in ("dot", "period", "point"):
                break
            continue
        if labels and pending in TLDS and not _tld_prefix(pending + piece[0]):
            break  # "dot c o m" goes on from "co" to "com"; "dot com please" stops
        pending += piece[0]
        i += piece[1]
    if pending:
        labels.append(pending)
    if len(labels) < 2 or labels[-1] not in TLDS:
        return "", start
    return ".".join(labels), i
