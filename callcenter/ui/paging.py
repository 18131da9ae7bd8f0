"""What the list pages share: filters kept in the URL, page numbers, the "1–25 of 60" line."""

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, Self
from urllib.parse import urlencode


class Filters(Protocol):
    page: int

    def query_string(self) -> str: ...


class QueryFilters:
    """Base of a list page's filters dataclass: text fields plus `page`, read from a URL query
    and written back to one, leaving out every value equal to its default (so the default
    filters give a bare URL). `checked` drops values the page does not offer."""

    page: int

    @classmethod
    def from_query(cls, params: dict[str, str]) -> Self:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            values[f.name] = (
                parse_page(params) if f.name == "page" else params.get(f.name, f.default)
            )
        return cls(**values).checked()

    def checked(self) -> Self:
        return self

    def query_string(self) -> str:
        pairs: dict[str, str] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            value = value.strip() if isinstance(value, str) else value
            pairs[f.name] = "" if value == f.default else str(value)
        return encode_query(pairs)


def parse_page(params: dict[str, str]) -> int:
    value = params.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def parse_day(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def day_range(since: str, until: str) -> tuple[datetime | None, datetime | None]:
    """`since` .. `until` (YYYY-MM-DD, both inclusive) as [start, end) datetimes in UTC."""
    end = parse_day(until)
    return parse_day(since), end + timedelta(days=1) if end else None


def encode_query(pairs: dict[str, str]) -> str:
    """A query string of the non-empty values."""
    return urlencode({key: value for key, value in pairs.items() if value})


def filtered_url(route: str, filters: Any, **changes: str | int) -> str:
    """`route` with `filters` changed; any change but paging starts again at page 1."""
    changed = dataclasses.replace(filters, **changes)
    if "page" not in changes:
        changed.page = 1
    query = changed.query_string()
    return f"{route}?{query}" if query else route


def page_count(total: int, size: int) -> int:
    return max(1, (total + size - 1) // size)


def showing(total: int, page: int, size: int, noun: str) -> str:
    if not total:
        return f"No {noun}"
    first = (page - 1) * size + 1
    return f"{first}–{min(total, first + size - 1)} of {total}"


def is_first_page(filters: Any) -> bool:
    """True when a list shows its unfiltered first page: the rows the live board keeps."""
    return all(getattr(filters, f.name) == f.default for f in dataclasses.fields(filters))
