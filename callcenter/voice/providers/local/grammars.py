"""JSGF grammars (and the need-state language model corpus), one search per dialog state."""

import re
from collections.abc import Callable, Iterable

from callcenter.voice.providers.local import vocabulary as v

# The searches the recogniser knows; the dialog names the one to listen with in each state.
NAME = "name"
BUSINESS = "business"
NEED = "need"
EMAIL = "email"
SPELL = "spell"
YESNO = "yesno"
DIGITS = "digits"
SEARCHES = (NAME, BUSINESS, NEED, EMAIL, SPELL, YESNO, DIGITS)


def _alts(items: Iterable[str]) -> str:
    unique = list(dict.fromkeys(item for item in items if item))
    return " | ".join(unique)


def _filtered(words: Iterable[str], known: Callable[[str], bool]) -> list[str]:
    return [w for w in words if all(known(part) for part in w.split())]


def build_jsgf(search: str, known: Callable[[str], bool], hints: Iterable[str] = ()) -> str:
    """The JSGF text for `search`; every word must pass `known` (be in the dictionary).

    `hints` are words this caller already said (their name, their business). An email address
    usually contains them, so the email grammar is built around them: the part before "at"
    is hint words, a common mailbox word (info, sales, ...) or two words joined by "dot"; the
    domain is hint words, a mail provider, or two vocabulary words. Anything else falls back
    to spelling. (pocketsphinx ignores JSGF weights; structure is what shifts the odds.)
    """
    repeat = _alts(_filtered(v.REPEAT_PHRASES, known))
    first = _alts(_filtered(v.FIRST_NAMES, known))
    last = _alts(_filtered(v.LAST_NAMES, known))
    letters = _alts(v.LETTERS)
    digits = _alts(v.DIGIT_WORDS)
    # Names reach the email grammar as hints (the caller's own); the rest are common words.
    email_words = _business_words() + v.EMAIL_WORDS
    rules: dict[str, str] = {
        # A lone first name only after "my name is": unprefixed, "my" alone sounds like "mike".
        NAME: f"public <s> = <pre> <first> [<last>] | <first> <last> | <repeat>;\n"
        f"<pre> = {_alts(v.NAME_PREFIXES)};\n<first> = {first};\n<last> = {last};",
        BUSINESS: f"public <s> = [{_alts(v.BUSINESS_PREFIXES)}] <biz> | <repeat>;\n"
        f"<biz> = {_alts(_filtered(v.BUSINESS_TYPES, known))};",
        EMAIL: "public <s> = [it's | my email is | it is] <part> at <domain> dot <tld>"
        " | <repeat>;\n"
        "<part> = <hint> [[dot] <hint>] | <extra> | <word> dot <word>;\n"
        "<domain> = <hint> [<hint>] [<extra> | <word>] [<word>] | <provider> | <word> <word>;\n"
        f"<extra> = {_alts(_filtered(v.EMAIL_WORDS, known))};\n"
        f"<word> = {_alts(_filtered(email_words, known))};\n"
        f"<hint> = {_alts(_filtered(hints, known) or ['info'])};\n"
        f"<provider> = {_alts(v.EMAIL_DOMAINS)};\n<tld> = {_alts(v.TLDS)};",
        SPELL: "public <s> = <sym>+ | <repeat>;\n"
        f"<sym> = <letter> [as in <example>] | {digits} | at | dot | <provider> | <tld>;\n"
        f"<letter> = {letters};\n"
        f"<example> = {_alts(_filtered(v.SPELLING_EXAMPLES, known))};\n"
        f"<provider> = {_alts(v.EMAIL_DOMAINS)};\n<tld> = {_alts(v.TLDS)};",
        YESNO: "public <s> = <yes> | <no> [<no>] | <repeat>;\n"
        f"<yes> = {_alts(_filtered(v.YES_WORDS, known))};\n"
        f"<no> = {_alts(_filtered(v.NO_WORDS, known))};",
        DIGITS: f"public <s> = [it's | my number is | call me at | use] <d>+ | <repeat>;\n"
        f"<d> = {digits};",
    }
    body = rules[search]
    return f"#JSGF V1.0;\ngrammar {search};\n{body}\n<repeat> = {repeat};\n"


def all_words() -> set[str]:
    """Every word any search can produce (the recogniser's dictionary is cut down to these)."""
    words: set[str] = set()
    for search in SEARCHES:
        if search != NEED:
            rules = build_jsgf(search, lambda _w: True, v.FIRST_NAMES).split("\n", 2)[2]
            words |= set(re.findall(r"[a-z']+", rules.replace("public", "")))
    words |= set(re.findall(r"[a-z']+", need_corpus()))
    return words


def need_corpus() -> str:
    """Sentences for the need state's small language model (domain phrasing + repeats)."""
    lines = [v.NEED_CORPUS, *v.REPEAT_PHRASES]
    lines += [f"we are a {b}" for b in v.BUSINESS_TYPES]
    return "\n".join(lines) + "\n"


def _business_words() -> list[str]:
    """Every word of a business type, and its plural ("bakery" → "bakeries", "shop" → "shops")."""
    words = {word for phrase in v.BUSINESS_TYPES for word in phrase.split() if len(word) > 2}
    return sorted(words | {plural(word) for word in words})


def plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    return word + "s"
