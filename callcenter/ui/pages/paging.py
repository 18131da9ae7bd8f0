"""What the list pages share: filters kept in the URL, page numbers, the "1–25 of 60" line."""

import dataclasses
from typing import Any, Protocol
from urllib.parse import urlencode


class Filters(Protocol):
    page: int

    def query_string(self) -> str: ...


def parse_page(params: dict[str, str]) -> int:
    value = params.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def encode_query(pairs: dict[str, str]) -> str:
    """A query string of the non-empty values (so default filters give a bare URL)."""
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
