"""Turns recognised words into lead fields: names, business types, emails, digits, yes/no."""

import functools
import re

from callcenter.voice.providers.local import names
from callcenter.voice.providers.local import vocabulary as v

_PROVIDER_WORDS = {word for domain in v.EMAIL_DOMAINS for word in domain.split()} - {"g"}
_FIRST = set(v.FIRST_NAMES)
_LAST = set(v.LAST_NAMES)
CENSUS_FIRSTS, CENSUS_LASTS = 6000, 20000  # the names the neural name search chooses among
_TITLES = {"doctor", "dr", "mister", "mr", "missus", "mrs", "miss", "ms"}


def _strip_prefix(text: str, prefixes: list[str]) -> str:
    words = text.lower().strip()
    for prefix in sorted(prefixes, key=len, reverse=True):
        if words.startswith(prefix + " "):
            return words[len(prefix) + 1 :].strip()
    return words


def is_repeat(text: str) -> bool:
    return text.lower().strip() in v.REPEAT_PHRASES


def yes_or_no(text: str) -> bool | None:
    """True for a yes, False for a no, None when it is neither."""
    words = text.lower().strip()
    if not words:
        return None
    if words.split()[0] in {"no", "nope", "not"} or "wrong" in words:
        return False
    if words in v.YES_WORDS or words.split()[0] in {"yes", "yeah", "yep", "correct", "sure"}:
        return True
    return None


def parse_name(text: str) -> str:
    """'my name is dana reyes' → 'Dana Reyes': the first known first name, and the last name
    right after it if there is one. The name model can string other words around a name
    ("my david lori that"); without a known first name the answer is not a name (""). Just a
    census first and last name (what the neural name search answers) is that name, whole."""
    words = [w for w in _strip_prefix(text, v.NAME_PREFIXES).split() if w not in _TITLES]
    if len(words) == 2 and words[0] in census_firsts() and words[1] in census_lasts():
        return " ".join(w.capitalize() for w in words)  # "tyler richard": not just "Richard"
    for index, word in enumerate(words):
        if word in _FIRST:
            after = words[index + 1 : index + 2]
            name = [word] + [w for w in after if w in _LAST]
            return " ".join(w.capitalize() for w in name)
    return ""


@functools.cache
def census_firsts() -> frozenset[str]:
    return frozenset(name for name, _ in names.first_names(CENSUS_FIRSTS))


@functools.cache
def census_lasts() -> frozenset[str]:
    return frozenset(name for name, _ in names.last_names(CENSUS_LASTS))


def parse_business(text: str) -> str:
    """'we run a plumbing company' → 'plumbing company'."""
    return _strip_prefix(text, v.BUSINESS_PREFIXES)


def parse_need(text: str) -> str:
    words = text.strip()
    return words[:1].upper() + words[1:] if words else ""


def parse_email(text: str) -> tuple[str, str]:
    """'dana at reyes plumbing dot com' → ('dana@reyesplumbing.com', spoken form for read-back)."""
    words = _strip_prefix(text, ["it's", "my email is", "it is"]).split()
    if "at" not in words:
        return "", ""
    at = words.index("at")
    local, domain = words[:at], words[at + 1 :]
    local_text = "".join("." if w == "dot" else w for w in local)
    domain_text = "".join("." if w == "dot" else w for w in domain)
    email = f"{local_text}@{domain_text}"
    if not re.fullmatch(r"[a-z0-9.]+@[a-z0-9]+(\.[a-z0-9]+)+", email):
        return "", ""
    spoken_domain = " ".join(domain)
    spelled_local = ", ".join("dot" if ch == "." else ch for ch in local_text)
    return email, f"{spelled_local}, at {spoken_domain}"


def email_words(text: str) -> tuple[list[str], list[str]] | None:
    """The words of a spoken address before "at" and of its domain ("dot" and suffix left
    out): 'dana at reyes plumbing dot com' → (['dana'], ['reyes', 'plumbing'])."""
    words = _strip_prefix(text, ["it's", "my email is", "it is"]).split()
    if "at" not in words or "dot" not in words[words.index("at") :]:
        return None
    at = words.index("at")
    domain = words[at + 1 :]
    domain = domain[: len(domain) - 1 - domain[::-1].index("dot")]
    return [w for w in words[:at] if w != "dot"], [w for w in domain if w != "dot"]


def parse_spelled(text: str) -> tuple[str, str]:
    """'d a n a at r e y e s dot com' (letter by letter) → ('dana@reyes.com', read-back).

    "m as in mary" is an m; mail providers and domain suffixes may be said as words."""
    out: list[str] = []
    words = text.lower().split()
    for index, word in enumerate(words):
        if word in ("as", "in") or words[index - 2 : index] == ["as", "in"]:
            continue
        if word == "at":
            out.append("@")
        elif word == "dot":
            out.append(".")
        elif word in v.DIGIT_WORDS:
            out.append(v.DIGIT_WORDS[word])
        elif len(word) == 1:
            out.append(word)
        elif word in v.TLDS or word in _PROVIDER_WORDS:
            out.append(word)
    email = "".join(out)
    if not re.fullmatch(r"[a-z0-9.]+@[a-z0-9]+(\.[a-z0-9]+)+", email):
        return "", ""
    return email, spell_out(email)


def parse_digits(text: str) -> str:
    return "".join(v.DIGIT_WORDS[w] for w in text.lower().split() if w in v.DIGIT_WORDS)


def spell_out(text: str) -> str:
    """'dana@x.com' → 'd, a, n, a, at, x, dot, c, o, m' (how the agent reads it back)."""
    names = {"@": "at", ".": "dot"}
    return ", ".join(names.get(ch, ch) for ch in text)


def say_digits(number: str) -> str:
    """'+15551234567' → '5 5 5, 1 2 3, 4 5 6 7' (national part, in groups)."""
    digits = re.sub(r"\D", "", number)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        groups = [digits[:3], digits[3:6], digits[6:]]
    else:
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return ", ".join(" ".join(group) for group in groups)


def to_e164(digits: str, default_country_code: str = "1") -> str:
    if len(digits) == 10:
        return f"+{default_country_code}{digits}"
    if len(digits) == 11 and digits.startswith(default_country_code):
        return f"+{digits}"
    return f"+{digits}" if digits else ""
