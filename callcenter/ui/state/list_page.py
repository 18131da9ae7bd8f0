"""The behaviour the Calls and Leads lists share: filters in the URL, paging on the server."""

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

import reflex as rx

from callcenter.ui.paging import filtered_url, is_first_page, page_count, showing

ANY = "any"  # the select value meaning "no filter"


@dataclass(frozen=True, slots=True)
class ListSpec:
    """What a list page lists: its route, its filters dataclass (a `QueryFilters`), which
    filters a select may set, the page size, the noun for "No calls", and `fetch`, which runs
    in a worker thread and returns (rows, total) for one page."""

    route: str
    filters: Any
    noun: str
    page_size: int
    fetch: Callable[[Any], tuple[list[Any], int]]
    choices: tuple[str, ...] = ()


class ListPageState(rx.State, mixin=True):
    """Mixed into a page state that also derives from AuthState, has a field per filter and
    `rows`, and says in `_spec` what it lists."""

    page: rx.Field[int] = rx.field(1)
    total: rx.Field[int] = rx.field(0)
    loading: rx.Field[bool] = rx.field(True)

    def _spec(self) -> ListSpec:
        raise NotImplementedError

    @rx.var
    def page_count(self) -> int:
        return page_count(self.total, self._spec().page_size)

    @rx.var(cache=False)
    def first_page(self) -> bool:
        """The unfiltered first page: its rows come from the live board, pushed as calls go."""
        return is_first_page(self._filters())

    @rx.var
    def showing(self) -> str:
        return showing(self.total, self.page, self._spec().page_size, self._spec().noun)

    async def _arrive(self) -> None:
        """A page's extra step on arrival (e.g. linking to the shared live board)."""

    def _filters(self) -> Any:
        kind = self._spec().filters
        return kind(**{f.name: getattr(self, f.name) for f in fields(kind)})

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            yield self.login_redirect()
            return
        await self._arrive()
        params = dict(self.router.url.query_parameters)
        for key, value in asdict(self._spec().filters.from_query(params)).items():
            setattr(self, key, value)
        self.loading = True
        yield  # show the skeleton while the page is read
        await self._refetch()
        self.loading = False

    async def _refetch(self) -> None:
        """Read the current page again (after a change made on it)."""
        self.rows, self.total = await asyncio.to_thread(self._spec().fetch, self._filters())

    def _navigate(self, **changes: str | int):
        url = filtered_url(self._spec().route, self._filters(), **changes)
        return rx.redirect(url, replace=True)

    @rx.event
    def set_filter(self, name: str, value: str):
        if name not in self._spec().choices:
            return None
        return self._navigate(**{name: "" if value == ANY else value})

    @rx.event
    def search(self, form: dict[str, str]):
        return self._navigate(q=(form.get("q") or "").strip())

    @rx.event
    def clear(self):
        return rx.redirect(self._spec().route, replace=True)

    @rx.event
    def go_page(self, page: int):
        return self._navigate(page=max(1, min(page, self.page_count)))

    @rx.event
    def open_row(self, row_id: int):
        """Open one row's own page (`/calls/12` for a row of `/calls`)."""
        return rx.redirect(f"{self._spec().route}/{row_id}")
