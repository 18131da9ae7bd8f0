"""`/leads`: leads with status, date and search filters (in the URL), paging and CSV export."""

import asyncio
from dataclasses import asdict
from typing import Any

import reflex as rx

from callcenter.ui.components.common import empty_state, page_header, skeleton_rows, status_badge
from callcenter.ui.pages.leads_data import (
    PAGE_SIZE,
    STATUSES,
    LeadFilters,
    LeadRow,
    leads_csv,
    load_leads,
)
from callcenter.ui.state.auth import AuthState

ANY = "any"


class LeadsState(AuthState):
    status: rx.Field[str] = rx.field("")
    since: rx.Field[str] = rx.field("")
    until: rx.Field[str] = rx.field("")
    q: rx.Field[str] = rx.field("")
    page: rx.Field[int] = rx.field(1)
    rows: rx.Field[list[LeadRow]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    loading: rx.Field[bool] = rx.field(True)

    @rx.var
    def page_count(self) -> int:
        return max(1, (self.total + PAGE_SIZE - 1) // PAGE_SIZE)

    @rx.var
    def showing(self) -> str:
        if not self.total:
            return "No leads"
        first = (self.page - 1) * PAGE_SIZE + 1
        return f"{first}–{min(self.total, first + PAGE_SIZE - 1)} of {self.total}"

    def _filters(self) -> LeadFilters:
        return LeadFilters(
            status=self.status, since=self.since, until=self.until, q=self.q, page=self.page
        )

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            return self.login_redirect()
        for key, value in asdict(
            LeadFilters.from_query(dict(self.router.url.query_parameters))
        ).items():
            setattr(self, key, value)
        self.loading = True
        return LeadsState.load

    @rx.event
    async def load(self):
        self.rows, self.total = await asyncio.to_thread(load_leads, self._filters())
        self.loading = False

    def _navigate(self, **changes: str | int):
        filters = self._filters()
        for key, value in changes.items():
            setattr(filters, key, value)
        if "page" not in changes:
            filters.page = 1
        query = filters.query_string()
        return rx.redirect(f"/leads?{query}" if query else "/leads", replace=True)

    @rx.event
    def set_filter(self, name: str, value: str):
        if name not in ("status", "since", "until"):
            return None
        return self._navigate(**{name: "" if value == ANY else value})

    @rx.event
    def search(self, form: dict[str, str]):
        return self._navigate(q=(form.get("q") or "").strip())

    @rx.event
    def clear(self):
        return rx.redirect("/leads", replace=True)

    @rx.event
    def go_page(self, page: int):
        return self._navigate(page=max(1, min(page, self.page_count)))

    @rx.event
    def open_lead(self, lead_id: int):
        return rx.redirect(f"/leads/{lead_id}")

    @rx.event
    async def export_csv(self):
        if await self.current_user() is None:
            return self.login_redirect()
        data = await asyncio.to_thread(leads_csv, self._filters())
        return rx.download(data=data, filename="leads.csv", mime_type="text/csv")


def _filters_bar() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.vstack(
                rx.el.label("Search", html_for="leads-q", font_size="0.75rem", font_weight="500"),
                rx.hstack(
                    rx.input(
                        id="leads-q",
                        name="q",
                        type="search",
                        placeholder="Name, email, phone, business or need",
                        default_value=LeadsState.q,
                        key=LeadsState.q,
                        min_width="16rem",
                    ),
                    rx.button("Search", type="submit", variant="soft"),
                ),
                spacing="1",
            ),
            on_submit=LeadsState.search,
            reset_on_submit=False,
        ),
        rx.vstack(
            rx.text("Status", size="1", weight="medium"),
            rx.select.root(
                rx.select.trigger(aria_label="Status", min_width="8.5rem"),
                rx.select.content(
                    rx.select.item("Any status", value=ANY),
                    *[rx.select.item(s.capitalize(), value=s) for s in STATUSES],
                ),
                value=rx.cond(LeadsState.status == "", ANY, LeadsState.status),
                on_change=lambda v: LeadsState.set_filter("status", v),
            ),
            spacing="1",
        ),
        *[
            rx.vstack(
                rx.el.label(
                    label, html_for=f"leads-{name}", font_size="0.75rem", font_weight="500"
                ),
                rx.input(
                    id=f"leads-{name}",
                    type="date",
                    value=getattr(LeadsState, name),
                    on_change=lambda v, n=name: LeadsState.set_filter(n, v),
                ),
                spacing="1",
            )
            for name, label in (("since", "Created from"), ("until", "Created to"))
        ],
        rx.button("Clear", variant="ghost", on_click=LeadsState.clear),
        gap="3",
        wrap="wrap",
        align="end",
        width="100%",
        margin_bottom="1rem",
    )


def _row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.name, href="/leads/" + row.id.to_string(), weight="medium")),
        rx.table.cell(rx.text(row.email, size="2")),
        rx.table.cell(rx.text(row.phone, size="2")),
        rx.table.cell(rx.text(row.business_type, size="2")),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(rx.text(row.created, size="2")),
        on_click=LeadsState.open_lead(row.id),
        cursor="pointer",
        _hover={"background": rx.color("gray", 3)},
    )


def leads_page() -> rx.Component:
    table = rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Name", "Email", "Phone", "Business", "Status", "Created (UTC)")
                    ]
                )
            ),
            rx.table.body(rx.foreach(LeadsState.rows, _row)),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )
    return rx.vstack(
        page_header(
            "Leads",
            "People the agent spoke with. Open one to edit it, change its status and add notes.",
            rx.button(
                rx.icon("download", size=16),
                "Export CSV",
                variant="soft",
                on_click=LeadsState.export_csv,
            ),
        ),
        _filters_bar(),
        rx.cond(
            LeadsState.loading,
            skeleton_rows(8),
            rx.cond(
                LeadsState.rows.length() > 0,
                table,
                empty_state(
                    "user-x",
                    "No leads match",
                    "Leads appear when the agent captures a caller's details. Clear the filters "
                    "or run `python -m callcenter seed-demo` to load demo data.",
                ),
            ),
        ),
        rx.hstack(
            rx.text(LeadsState.showing, size="2", color=rx.color("gray", 11)),
            rx.spacer(),
            rx.button(
                "Previous",
                variant="soft",
                disabled=LeadsState.page <= 1,
                on_click=LeadsState.go_page(LeadsState.page - 1),
            ),
            rx.button(
                "Next",
                variant="soft",
                disabled=LeadsState.page >= LeadsState.page_count,
                on_click=LeadsState.go_page(LeadsState.page + 1),
            ),
            width="100%",
            align="center",
            margin_top="1rem",
        ),
        spacing="0",
        width="100%",
    )
