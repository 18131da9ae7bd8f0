"""One display format for phone numbers, and parse failures in our own words."""

import pytest

from callcenter import phones
from callcenter.calls.outbound import InvalidNumber, normalize_number


def test_stored_numbers_are_shown_in_the_international_format() -> None:
    assert phones.display("+14155550111") == "+1 415-555-0111"
    assert phones.display("+442079460958") == "+44 20 7946 0958"
    assert phones.display(None) == "" and phones.display(None, missing="unknown") == "unknown"
    assert phones.display("anonymous") == "anonymous"  # shown as given when it is no number


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("12ab", "'12ab' is not a phone number (use digits, e.g. +1 415 555 0123)"),
        ("+999 1234 5678", "'+999 1234 5678' is not a phone number (no country has that code)"),
    ],
)
def test_a_bad_number_is_refused_in_our_words_with_one_period_at_most(raw: str, words: str) -> None:
    with pytest.raises(InvalidNumber) as refused:
        normalize_number(raw, default_region="US")
    message = str(refused.value)
    assert message == words
    assert "did not seem" not in message and not message.endswith(".")
