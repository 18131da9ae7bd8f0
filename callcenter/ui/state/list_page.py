"""The behaviour the Calls and Leads lists share: filters in the URL, paging on the server."""

import asyncio
from dataclasses import asdict, fields
from typing import Any

import reflex as rx

from callcenter.ui.pages.paging import filtered_url, page_count, showing

ANY = "any"  # the select value meaning "no filter"


class ListPageState(rx.State, mixin=True):
    """Mixed into a page state that also derives from AuthState. The page state says which
    route it lists, its filters dataclass, which filters a select may set, and `_fetch`."""

    page: rx.Field[int] = rx.field(1)
    total: rx.Field[int] = rx.field(0)
    loading: rx.Field[bool] = rx.field(True)

    def _list_route(self) -> str:
        raise NotImplementedError

    def _filters_type(self) -> Any:
        raise NotImplementedError

    def _choice_filters(self) -> tuple[str, ...]:
        raise NotImplementedError

    def _page_size(self) -> int:
        raise NotImplementedError

    def _noun(self) -> str:
        raise NotImplementedError

    def _fetch(self, filters: Any) -> tuple[list[Any], int]:
        """Runs in a worker thread: (rows, total) for one page."""
        raise NotImplementedError

    @rx.var
    def page_count(self) -> int:
        return page_count(self.total, self._page_size())

    @rx.var
    def showing(self) -> str:
        return showing(self.total, self.page, self._page_size(), self._noun())

    def _filters(self) -> Any:
        kind = self._filters_type()
        return kind(**{f.name: getattr(self, f.name) for f in fields(kind)})

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            yield self.login_redirect()
            return
        params = dict(self.router.url.query_parameters)
        for key, value in asdict(self._filters_type().from_query(params)).items():
            setattr(self, key, value)
        self.loading = True
        yield  # show the skeleton while the page is read
        self.rows, self.total = await asyncio.to_thread(self._fetch, self._filters())
        self.loading = False

    def _navigate(self, **changes: str | int):
        url = filtered_url(self._list_route(), self._filters(), **changes)
        return rx.redirect(url, replace=True)

    @rx.event
    def set_filter(self, name: str, value: str):
        if name not in self._choice_filters():
            return None
        return self._navigate(**{name: "" if value == ANY else value})

    @rx.event
    def search(self, form: dict[str, str]):
        return self._navigate(q=(form.get("q") or "").strip())

    @rx.event
    def clear(self):
        return rx.redirect(self._list_route(), replace=True)

    @rx.event
    def go_page(self, page: int):
        return self._navigate(page=max(1, min(page, self.page_count)))
