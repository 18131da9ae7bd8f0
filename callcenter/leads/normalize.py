"""Normalise lead fields: E.164 phones, validated emails, names without titles, short business."""

import re
from dataclasses import dataclass, fields, replace

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from callcenter.leads.kinds import wrong_kind

LEAD_FIELDS = ("name", "email", "phone", "business_type", "need")

TITLES = {
    "dr",
    "doctor",
    "mr",
    "mister",
    "mrs",
    "missus",
    "ms",
    "miss",
    "mx",
    "prof",
    "professor",
    "sir",
    "madam",
    "madame",
    "rev",
    "reverend",
}
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "dds", "esq"}
_LEADING_ARTICLES = re.compile(r"^(?:a|an|the|some|small|little|our|my)\s+", re.IGNORECASE)
_GENERIC_TAIL = re.compile(
    r"\s+(?:business|company|companies|outfit|operation|shop|biz|place|services?)$",
    re.IGNORECASE,
)
_MAX_BUSINESS_WORDS = 6


class FieldError(ValueError):
    """A lead field's value is invalid; `field` names it and the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(frozen=True, slots=True)
class LeadFields:
    """The lead fields gathered from a conversation; None means not given."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    business_type: str | None = None
    need: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The fields that are set."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name))}

    def is_empty(self) -> bool:
        return not self.as_dict()

    def overlay(self, newer: "LeadFields") -> "LeadFields":
        """These fields with every field `newer` sets replacing ours (latest wins)."""
        return replace(self, **newer.as_dict())


def normalize_phone(raw: str, *, region: str) -> str:
    """The number in E.164 (`+15551234567`); FieldError if it is not a valid number."""
    text = raw.strip()
    if not text:
        raise FieldError("phone", "is empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        raise FieldError("phone", f"{raw!r} is not a phone number") from None
    # "Possible" (right length for the country) rather than "valid": fictional 555 numbers
    # are what demos and tests use, and a real caller's number is checked by the carrier.
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise FieldError("phone", f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    """The address, lower-cased and syntax-checked (no DNS lookups); FieldError otherwise."""
    text = raw.strip().strip("<>.,;").replace(" ", "")
    if not text:
        raise FieldError("email", "is empty")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldError(
            "email", f"{raw!r} is not a valid email address ({str(exc).rstrip('.')})"
        ) from None
    return checked.normalized.lower()


def normalize_name(raw: str) -> str:
    """The person's name without titles (Dr., Mr., Ms.) or suffixes, capitalised if all one case."""
    words = [w for w in re.split(r"[\s,]+", raw.strip()) if w]
    cleaned: list[str] = []
    for index, word in enumerate(words):
        bare = word.strip(".").lower()
        if index == 0 and bare in TITLES and len(words) > 1:
            continue
        if cleaned and bare in _NAME_SUFFIXES:
            continue
        cleaned.append(word.strip(".!?;:\"'"))
    name = " ".join(w for w in cleaned if w)
    if not name or not re.search(r"[^\W\d_]", name):
        raise FieldError("name", f"{raw!r} is not a name")
    if name.islower() or name.isupper():
        name = " ".join(_capitalise(w) for w in name.split())
    return name[:200]


def _capitalise(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def normalize_business_type(raw: str) -> str:
    """A short description in the caller's words: `a small plumbing business` → `plumbing`."""
    text = re.sub(r"\s+", " ", raw.strip().strip(".!?,;:")).strip()
    for _ in range(3):
        text = _LEADING_ARTICLES.sub("", text)
    shorter = _GENERIC_TAIL.sub("", text)
    if shorter:
        text = shorter
    words = text.split()
    if not words:
        raise FieldError("business_type", "is empty")
    return " ".join(words[:_MAX_BUSINESS_WORDS]).lower()[:200]


def normalize_need(raw: str) -> str:
    """The need as said, whitespace collapsed, bounded."""
    text = re.sub(r"\s+", " ", raw.strip())
    if not text:
        raise FieldError("need", "is empty")
    return text[:2000]


def normalize_fields(values: dict[str, object], *, region: str) -> LeadFields:
    """Validate and normalise a dict of lead fields; FieldError names the first bad one.

    Unknown keys raise FieldError too; empty or None values mean "not given"."""
    unknown = [key for key in values if key not in LEAD_FIELDS]
    if unknown:
        raise FieldError(unknown[0], "is not a lead field")
    out: dict[str, str] = {}
    for key in LEAD_FIELDS:
        value = values.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise FieldError(key, "must be a string")
        if not value.strip():
            continue
        out[key] = normalize_field(key, value, region=region)
    return LeadFields(**out)


_KIND_NOUNS = {"name": "a name", "business_type": "a business", "need": "a need"}


def normalize_field(key: str, value: str, *, region: str) -> str:
    """Normalise one field by name; FieldError when it holds another kind of value."""
    kind = wrong_kind(key, value)
    if kind is not None:
        raise FieldError(key, f"is {kind}, not {_KIND_NOUNS.get(key, key)}")
    if key == "phone":
        return normalize_phone(value, region=region)
    if key == "email":
        return normalize_email(value)
    if key == "name":
        return normalize_name(value)
    if key == "business_type":
        return normalize_business_type(value)
    if key == "need":
        return normalize_need(value)
    raise FieldError(key, "is not a lead field")
