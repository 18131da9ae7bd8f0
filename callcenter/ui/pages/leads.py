"""`/leads`: leads with status, date and search filters (in the URL), paging and CSV export."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.ui.components.common import empty_state, page_header, skeleton_rows, status_badge
from callcenter.ui.components.pager import pager
from callcenter.ui.pages.leads_data import (
    PAGE_SIZE,
    STATUSES,
    LeadFilters,
    LeadRow,
    leads_csv,
    load_leads,
)
from callcenter.ui.state.auth import AuthState
from callcenter.ui.state.list_page import ANY, ListPageState


class LeadsState(ListPageState, AuthState):
    status: rx.Field[str] = rx.field("")
    since: rx.Field[str] = rx.field("")
    until: rx.Field[str] = rx.field("")
    q: rx.Field[str] = rx.field("")
    rows: rx.Field[list[LeadRow]] = rx.field(default_factory=list)

    def _list_route(self) -> str:
        return "/leads"

    def _filters_type(self) -> type[LeadFilters]:
        return LeadFilters

    def _choice_filters(self) -> tuple[str, ...]:
        return ("status", "since", "until")

    def _page_size(self) -> int:
        return PAGE_SIZE

    def _noun(self) -> str:
        return "leads"

    def _fetch(self, filters: LeadFilters) -> tuple[list[LeadRow], int]:
        return load_leads(filters)

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
        pager(LeadsState),
        spacing="0",
        width="100%",
    )
