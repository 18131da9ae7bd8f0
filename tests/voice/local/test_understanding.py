"""Recognised words to lead fields: spelled addresses and the words of a spoken one."""

from callcenter.voice.providers.local.understanding import email_words, parse_name, parse_spelled


def test_a_name_is_a_known_first_name_and_the_last_name_after_it() -> None:
    assert parse_name("my name is dana reyes") == "Dana Reyes"
    assert parse_name("my david lori that") == "David"  # words strung around a name
    assert parse_name("i'm doctor dana reyes") == "Dana Reyes"
    assert parse_name("that can") == ""  # no name: asked again, not saved


def test_a_census_first_and_last_name_is_kept_whole() -> None:
    # "tyler" is no first name of the engine's own list, "richard" is: the whole name stands.
    assert parse_name("tyler richard") == "Tyler Richard"
    assert parse_name("my name is tyler richard") == "Tyler Richard"


def test_letters_said_as_in_a_word_count_once() -> None:
    assert parse_spelled("m as in mary a r i a at g mail dot com")[0] == "maria@gmail.com"
    assert parse_spelled("b as in bravo o b at yahoo dot com")[0] == "bob@yahoo.com"


def test_spelled_digits_providers_and_suffixes() -> None:
    email, spoken = parse_spelled("j o h n seven at outlook dot c o m")
    assert email == "john7@outlook.com"
    assert spoken.startswith("j, o, h, n, 7, at")


def test_nonsense_spelling_is_no_address() -> None:
    assert parse_spelled("a b c") == ("", "")


def test_the_words_of_a_spoken_address() -> None:
    assert email_words("dana dot reyes at reyes plumbing dot com") == (
        ["dana", "reyes"],
        ["reyes", "plumbing"],
    )
    assert email_words("my email is info at gmail dot com") == (["info"], ["gmail"])
    assert email_words("dana reyes") is None
