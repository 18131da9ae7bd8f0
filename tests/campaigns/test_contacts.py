"""Contact files: header detection, BOM, delimiters, and every refused row with its line."""

import io

import pytest

from callcenter.campaigns.contacts import ContactFileError, parse_csv, parse_items


def _csv(text: str, *, bom: bool = False) -> io.BytesIO:
    data = text.encode("utf-8")
    return io.BytesIO(b"\xef\xbb\xbf" + data if bom else data)


@pytest.mark.parametrize("bom", [False, True])
def test_a_header_row_names_the_columns_in_any_order_with_or_without_bom(bom: bool) -> None:
    parsed = parse_csv(
        _csv(
            "Name,Company,Phone,Email\nAda Lovelace,Engines Ltd,(415) 555-0101,ada@example.com\n",
            bom=bom,
        ),
        region="US",
    )
    assert parsed.header is True
    assert parsed.invalid == []
    (contact,) = parsed.contacts
    assert (contact.phone, contact.name, contact.company, contact.email, contact.line) == (
        "+14155550101",
        "Ada Lovelace",
        "Engines Ltd",
        "ada@example.com",
        2,
    )


def test_without_a_header_the_columns_are_phone_name_email_company() -> None:
    parsed = parse_csv(_csv("+14155550101,Ada\n4155550102,Bob,bob@example.com,Acme\n"), region="US")
    assert parsed.header is False
    assert [(c.phone, c.name, c.line) for c in parsed.contacts] == [
        ("+14155550101", "Ada", 1),
        ("+14155550102", "Bob", 2),
    ]
    assert parsed.contacts[1].company == "Acme"


def test_semicolons_and_quoted_fields_with_newlines_are_read() -> None:
    parsed = parse_csv(
        _csv('phone;name\n+14155550101;"Ada\nLovelace"\n+14155550102;Bob\n'), region="US"
    )
    assert [c.name for c in parsed.contacts] == ["Ada\nLovelace", "Bob"]
    assert [c.line for c in parsed.contacts] == [3, 4]


def test_every_refused_row_is_reported_with_its_line_and_why() -> None:
    parsed = parse_csv(
        _csv("phone,name\n+14155550101,Ada\nhello,Bob\n,Nobody\n\n+1415,Short\n"), region="US"
    )
    assert [c.line for c in parsed.contacts] == [2]
    assert [(r.line, r.value) for r in parsed.invalid] == [(3, "hello"), (4, ""), (6, "+1415")]
    assert "not a phone number" in parsed.invalid[0].error
    assert "empty" in parsed.invalid[1].error
    assert "too short" in parsed.invalid[2].error


def test_a_header_without_a_phone_column_is_refused_as_a_whole() -> None:
    with pytest.raises(ContactFileError, match="phone"):
        parse_csv(_csv("name,email\nAda,ada@example.com\n"), region="US")


def test_more_rows_than_allowed_is_refused() -> None:
    rows = "".join(f"+1415555{i:04d}\n" for i in range(11))
    with pytest.raises(ContactFileError, match="more than 10 rows"):
        parse_csv(_csv("phone\n" + rows), region="US", max_rows=10)


def test_a_file_that_is_not_utf8_is_refused_with_a_line() -> None:
    with pytest.raises(ContactFileError, match="not UTF-8"):
        parse_csv(io.BytesIO(b"phone,name\n+14155550101,Jos\xe9\n"), region="US")


def test_json_contacts_are_numbered_from_one() -> None:
    parsed = parse_items([{"phone": "+14155550101"}, {"phone": "nope"}, {}], region="US")
    assert [c.line for c in parsed.contacts] == [1]
    assert [(r.line, r.value) for r in parsed.invalid] == [(2, "nope"), (3, "")]
