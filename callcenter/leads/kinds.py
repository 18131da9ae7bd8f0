"""Each lead field holds its kind of value: a need or a business is never an email address or a
phone number (spoken or written), and a name is neither either."""

from callcenter.leads.spoken import digit_runs, find_emails, is_punct, tokens

# Fields whose value must not be contact details under another label.
FREE_TEXT_FIELDS = ("name", "business_type", "need")
_MIN_PHONE_DIGITS = 7


def _share(words: list[str], spans: list[tuple[int, int]]) -> float:
    """The fraction of the (non-punctuation) words inside `spans`."""
    counted = [i for i, word in enumerate(words) if not is_punct(word)]
    if not counted:
        return 0.0
    inside = sum(1 for i in counted if any(start <= i < end for start, end in spans))
    return inside / len(counted)


def wrong_kind(key: str, value: str) -> str | None:
    """What `value` really is ("an email address", "a phone number") when field `key` should
    not hold it; None when it is fine. Contact details mentioned in passing are fine; a value
    that is mostly an address or a number is not."""
    if key not in FREE_TEXT_FIELDS:
        return None
    words = tokens(value)
    emails = [(m.start, m.end) for m in find_emails(words)]
    if emails and _share(words, emails) >= 0.5:
        return "an email address"
    phones = [(s, e) for s, e, digits in digit_runs(words) if len(digits) >= _MIN_PHONE_DIGITS]
    if phones and _share(words, phones) >= 0.5:
        return "a phone number"
    return None
