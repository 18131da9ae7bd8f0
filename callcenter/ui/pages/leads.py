"""`/leads`: leads with status, date and search filters (in the URL), paging and CSV export."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.ui.components.clip import clipped, clipped_link
from callcenter.ui.components.common import empty_state, page_header, status_badge, table_box
from callcenter.ui.components.filters import (
    choice_filter,
    date_filter,
    filters_row,
    list_body,
    search_form,
)
from callcenter.ui.components.pager import pager
from callcenter.ui.pages.board import BoardState, link_board
from callcenter.ui.pages.leads_data import (
    PAGE_SIZE,
    STATUSES,
    LeadFilters,
    LeadRow,
    leads_csv,
    load_leads,
)
from callcenter.ui.state.auth import AuthState
from callcenter.ui.state.list_page import ANY, ListPageState, ListSpec

LEADS = ListSpec(
    route="/leads",
    filters=LeadFilters,
    noun="leads",
    page_size=PAGE_SIZE,
    fetch=load_leads,
    choices=("status", "since", "until"),
)


class LeadsState(ListPageState, AuthState):
    status: rx.Field[str] = rx.field("")
    since: rx.Field[str] = rx.field("")
    until: rx.Field[str] = rx.field("")
    q: rx.Field[str] = rx.field("")
    rows: rx.Field[list[LeadRow]] = rx.field(default_factory=list)

    def _spec(self) -> ListSpec:
        return LEADS

    async def _arrive(self) -> None:
        await link_board(self)  # the unfiltered first page is pushed live from the board

    @rx.event
    async def export_csv(self):
        if await self.current_user() is None:
            return self.login_redirect()
        data = await asyncio.to_thread(leads_csv, self._filters())
        return rx.download(data=data, filename="leads.csv", mime_type="text/csv")


def _filters_bar() -> rx.Component:
    return filters_row(
        LeadsState,
        search_form(LeadsState, "leads", "Name, email, phone, business or need"),
        choice_filter(
            LeadsState,
            "status",
            "Status",
            [(ANY, "Any status"), *[(s, s.capitalize()) for s in STATUSES]],
        ),
        date_filter(LeadsState, "leads", "since", "Created from"),
        date_filter(LeadsState, "leads", "until", "Created to"),
    )


def _row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(clipped_link(row.name, "/leads/" + row.id.to_string(), weight="medium")),
        rx.table.cell(clipped(row.email)),
        rx.table.cell(rx.text(row.phone, size="2", white_space="nowrap")),
        rx.table.cell(clipped(row.business_type, max_width="12rem")),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(rx.text(row.created, size="2")),
        on_click=LeadsState.open_row(row.id),
        cursor="pointer",
        _hover={"background": rx.color("gray", 3)},
    )


def leads_page() -> rx.Component:
    headers = ("Name", "Email", "Phone", "Business", "Status", "Created (UTC)")
    rows = rx.cond(LeadsState.first_page, BoardState.leads, LeadsState.rows).to(list[LeadRow])
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
        list_body(
            LeadsState,
            table_box(headers, rx.foreach(rows, _row)),
            empty_state(
                "user-x",
                "No leads match",
                "Leads appear when the agent captures a caller's details. Clear the filters "
                "or run `python -m callcenter seed-demo` to load demo data.",
            ),
            rows,
        ),
        pager(LeadsState),
        spacing="0",
        width="100%",
    )
