"""`/calls`: the call history, with filters and search held in the URL, paged on the server."""

from typing import Any

import reflex as rx

from callcenter.leads.review import Outcome
from callcenter.ui.components.clip import clipped
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
from callcenter.ui.pages.calls_data import PAGE_SIZE, SORTS, CallFilters, CallRow, load_calls
from callcenter.ui.state.auth import AuthState
from callcenter.ui.state.list_page import ANY, ListPageState, ListSpec


def _fetch(filters: CallFilters) -> tuple[list[CallRow], int]:
    page = load_calls(filters)
    return page.rows, page.total


CALLS = ListSpec(
    route="/calls",
    filters=CallFilters,
    noun="calls",
    page_size=PAGE_SIZE,
    fetch=_fetch,
    choices=("status", "direction", "has_lead", "outcome", "sort", "since", "until"),
)


class CallsState(ListPageState, AuthState):
    status: rx.Field[str] = rx.field("")
    direction: rx.Field[str] = rx.field("")
    since: rx.Field[str] = rx.field("")
    until: rx.Field[str] = rx.field("")
    has_lead: rx.Field[str] = rx.field("")
    outcome: rx.Field[str] = rx.field("")
    q: rx.Field[str] = rx.field("")
    sort: rx.Field[str] = rx.field("-started_at")
    rows: rx.Field[list[CallRow]] = rx.field(default_factory=list)

    def _spec(self) -> ListSpec:
        return CALLS

    async def _arrive(self) -> None:
        await link_board(self)  # the unfiltered first page is pushed live from the board


_STATUSES = [
    (ANY, "Any status"),
    ("in-progress", "In progress"),
    ("ringing", "Ringing"),
    ("completed", "Completed"),
    ("no-answer", "No answer"),
    ("busy", "Busy"),
    ("failed", "Failed"),
    ("canceled", "Canceled"),
    ("queued", "Queued"),
]


_OUTCOMES = [(ANY, "Any outcome")] + [
    (o.value, o.value.replace("_", " ").capitalize()) for o in Outcome
]


def filters_bar() -> rx.Component:
    return filters_row(
        CallsState,
        search_form(CallsState, "calls", "Number, lead name or words said"),
        choice_filter(CallsState, "status", "Status", _STATUSES),
        choice_filter(
            CallsState,
            "direction",
            "Direction",
            [(ANY, "Both"), ("inbound", "Inbound"), ("outbound", "Outbound")],
        ),
        choice_filter(
            CallsState,
            "has_lead",
            "Lead",
            [(ANY, "Any"), ("yes", "With a lead"), ("no", "Without a lead")],
        ),
        choice_filter(CallsState, "outcome", "Outcome", _OUTCOMES),
        date_filter(CallsState, "calls", "since", "From"),
        date_filter(CallsState, "calls", "until", "To"),
        choice_filter(CallsState, "sort", "Sort", list(SORTS.items())),
    )


def _row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                row.number,
                href="/calls/" + row.id.to_string(),
                weight="medium",
                white_space="nowrap",
            )
        ),
        rx.table.cell(rx.text(row.direction, size="2")),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(rx.text(row.started, size="2")),
        rx.table.cell(rx.text(row.duration, size="2")),
        rx.table.cell(clipped(row.lead_name)),
        rx.table.cell(rx.text(row.outcome, size="2")),
        rx.table.cell(rx.text(row.end_reason, size="2", color=rx.color("gray", 11))),
        on_click=CallsState.open_row(row.id),
        cursor="pointer",
        _hover={"background": rx.color("gray", 3)},
    )


def calls_table() -> rx.Component:
    headers = (
        "Number",
        "Direction",
        "Status",
        "Started (UTC)",
        "Duration",
        "Lead",
        "Outcome",
        "Ended",
    )
    rows = rx.cond(CallsState.first_page, BoardState.calls, CallsState.rows).to(list[CallRow])
    return list_body(
        CallsState,
        table_box(headers, rx.foreach(rows, _row)),
        empty_state(
            "phone-off",
            "No calls match",
            "Clear the filters, place a call from the Dashboard, or run "
            "`python -m callcenter seed-demo` to load demo calls.",
        ),
        rows,
    )


def calls_page() -> rx.Component:
    return rx.vstack(
        page_header("Calls", "Every call, newest first. Filters live in the URL: share the link."),
        filters_bar(),
        calls_table(),
        pager(CallsState),
        spacing="0",
        width="100%",
    )
