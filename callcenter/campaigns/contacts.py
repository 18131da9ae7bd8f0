"""Contacts from JSON or a CSV file: numbers to E.164, every refused row kept with its line."""

import contextlib
import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO

from callcenter.calls.outbound import InvalidNumber, normalize_number
from callcenter.db.repo.campaigns import NewContact

MAX_ROWS = 100_000
PREVIEW_ROWS = 10
_FIELDS = ("phone", "name", "email", "company")
# Header names people use for each column, compared lower-case with spaces as underscores.
_ALIASES = {
    "phone": {"phone", "phone_number", "phonenumber", "number", "telephone", "tel", "mobile"},
    "name": {"name", "full_name", "contact", "contact_name"},
    "email": {"email", "e-mail", "email_address", "mail"},
    "company": {"company", "company_name", "business", "organization", "organisation"},
}
_DELIMITERS = (",", ";", "\t")


class ContactFileError(ValueError):
    """The file as a whole cannot be read (no phone column, not UTF-8, too many rows)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    line: int
    value: str
    error: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "value": self.value, "error": self.error}


@dataclass
class Parsed:
    contacts: list[NewContact] = field(default_factory=list)
    invalid: list[Refusal] = field(default_factory=list)
    header: bool = False


def _clean(value: object, limit: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text[:limit] or None


def contact_from(line: int, values: Mapping[str, object], *, region: str) -> NewContact | Refusal:
    """One contact, or why it is refused (only a missing or undialable number refuses)."""
    raw = str(values.get("phone") or "").strip()
    if not raw:
        return Refusal(line=line, value="", error="phone is empty")
    try:
        phone = normalize_number(raw, default_region=region)
    except InvalidNumber as exc:
        return Refusal(line=line, value=raw, error=str(exc))
    return NewContact(
        phone=phone,
        name=_clean(values.get("name"), 200),
        email=_clean(values.get("email"), 320),
        company=_clean(values.get("company"), 200),
        line=line,
    )


def parse_items(items: Iterable[Mapping[str, object]], *, region: str) -> Parsed:
    """Contacts given as JSON objects; `line` is the 1-based position in the list."""
    parsed = Parsed()
    for line, values in enumerate(items, start=1):
        result = contact_from(line, values, region=region)
        (parsed.invalid if isinstance(result, Refusal) else parsed.contacts).append(result)  # type: ignore[arg-type]
    return parsed


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Column positions when `cells` is a header row; None when it is already data."""
    names = [c.strip().lower().replace(" ", "_") for c in cells]
    columns: dict[str, int] = {}
    for i, name in enumerate(names):
        for key, aliases in _ALIASES.items():
            if name in aliases and key not in columns:
                columns[key] = i
    if not columns:
        return None
    if "phone" not in columns:
        raise ContactFileError(
            "the header row has no phone column (expected one named phone, number or mobile)"
        )
    return columns


def _rows(text: IO[str]) -> Iterator[tuple[int, list[str]]]:
    first = text.readline()
    rest = io.StringIO(first)
    delimiter = _delimiter(first)
    reader = csv.reader(_chain(rest, text), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ContactFileError(f"line {reader.line_num}: {exc}") from None
        yield reader.line_num, row


def _chain(first: IO[str], rest: IO[str]) -> Iterator[str]:
    yield from first
    yield from rest


def parse_csv(data: IO[bytes], *, region: str, max_rows: int = MAX_ROWS) -> Parsed:
    """Read a CSV file (UTF-8, with or without a BOM) row by row. The first row is a header
    when it names columns (`phone` required; `name`, `email`, `company` optional); otherwise
    the columns are taken in that order. Blank lines are ignored; other rows are contacts or
    refusals with their line number."""
    text = io.TextIOWrapper(data, encoding="utf-8-sig", newline="")
    parsed = Parsed()
    columns: dict[str, int] | None = None
    rows = 0
    line = 0
    try:
        for line, cells in _rows(text):
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = _header_columns(cells)
                if columns is not None:
                    parsed.header = True
                    continue
                columns = {key: i for i, key in enumerate(_FIELDS)}
            rows += 1
            if rows > max_rows:
                raise ContactFileError(f"more than {max_rows} rows; split the file")
            values = {key: cells[i] for key, i in columns.items() if i < len(cells)}
            result = contact_from(line, values, region=region)
            if isinstance(result, Refusal):
                parsed.invalid.append(result)
            else:
                parsed.contacts.append(result)
    except UnicodeDecodeError:
        raise ContactFileError(f"line {line + 1}: the file is not UTF-8 text") from None
    finally:
        with contextlib.suppress(ValueError):  # detach, so the caller's file stays open
            text.detach()
    return parsed
