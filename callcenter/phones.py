"""Phone numbers for people: one display format everywhere, and parse failures in our words."""

import phonenumbers
from phonenumbers import NumberParseException

EXAMPLE = "+1 415 555 0123"

_PARSE_PROBLEMS = {
    NumberParseException.INVALID_COUNTRY_CODE: "no country has that code",
    NumberParseException.NOT_A_NUMBER: f"use digits, e.g. {EXAMPLE}",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too few digits",
    NumberParseException.TOO_SHORT_NSN: "too few digits",
    NumberParseException.TOO_LONG: "too many digits",
}


def display(number: str | None, *, missing: str = "") -> str:
    """A stored E.164 number as people read it: `+15551234567` → `+1 555-123-4567`.

    Anything that does not parse is shown as given; no number at all shows `missing`."""
    if not number:
        return missing
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def parse_problem(exc: NumberParseException) -> str:
    """Why a number did not parse, in a few words (no trailing period)."""
    return _PARSE_PROBLEMS.get(exc.error_type, f"use digits, e.g. {EXAMPLE}")
