"""`/calls`: the call history, with filters and search held in the URL, paged on the server."""

from typing import Any

import reflex as rx

from callcenter.ui.components.common import empty_state, page_header, skeleton_rows, status_badge
from callcenter.ui.components.pager import pager
from callcenter.ui.pages.calls_data import PAGE_SIZE, SORTS, CallFilters, CallRow, load_calls
from callcenter.ui.state.auth import AuthState
from callcenter.ui.state.list_page import ANY, ListPageState


class CallsState(ListPageState, AuthState):
    status: rx.Field[str] = rx.field("")
    direction: rx.Field[str] = rx.field("")
    since: rx.Field[str] = rx.field("")
    until: rx.Field[str] = rx.field("")
    has_lead: rx.Field[str] = rx.field("")
    q: rx.Field[str] = rx.field("")
    sort: rx.Field[str] = rx.field("-started_at")
    rows: rx.Field[list[CallRow]] = rx.field(default_factory=list)

    def _list_route(self) -> str:
        return "/calls"

    def _filters_type(self) -> type[CallFilters]:
        return CallFilters

    def _choice_filters(self) -> tuple[str, ...]:
        return ("status", "direction", "has_lead", "sort", "since", "until")

    def _page_size(self) -> int:
        return PAGE_SIZE

    def _noun(self) -> str:
        return "calls"

    def _fetch(self, filters: CallFilters) -> tuple[list[CallRow], int]:
        page = load_calls(filters)
        return page.rows, page.total

    @rx.event
    def open_call(self, call_id: int):
        return rx.redirect(f"/calls/{call_id}")


def _select(
    name: str, label: str, value: rx.Var[str] | str, options: list[tuple[str, str]]
) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        rx.select.root(
            rx.select.trigger(aria_label=label, min_width="8.5rem"),
            rx.select.content(*[rx.select.item(text, value=key) for key, text in options]),
            value=rx.cond(value == "", ANY, value),
            on_change=lambda v: CallsState.set_filter(name, v),
        ),
        spacing="1",
    )


def _date(name: str, label: str, value: rx.Var[str] | str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"calls-{name}", font_size="0.75rem", font_weight="500"),
        rx.input(
            id=f"calls-{name}",
            type="date",
            value=value,
            on_change=lambda v: CallsState.set_filter(name, v),
        ),
        spacing="1",
    )


def filters_bar() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.vstack(
                rx.el.label("Search", html_for="calls-q", font_size="0.75rem", font_weight="500"),
                rx.hstack(
                    rx.input(
                        id="calls-q",
                        name="q",
                        type="search",
                        placeholder="Number, lead name or words said",
                        default_value=CallsState.q,
                        key=CallsState.q,
                        min_width="16rem",
                    ),
                    rx.button("Search", type="submit", variant="soft"),
                ),
                spacing="1",
            ),
            on_submit=CallsState.search,
            reset_on_submit=False,
        ),
        _select(
            "status",
            "Status",
            CallsState.status,
            [
                (ANY, "Any status"),
                ("in-progress", "In progress"),
                ("ringing", "Ringing"),
                ("completed", "Completed"),
                ("no-answer", "No answer"),
                ("busy", "Busy"),
                ("failed", "Failed"),
                ("canceled", "Canceled"),
                ("queued", "Queued"),
            ],
        ),
        _select(
            "direction",
            "Direction",
            CallsState.direction,
            [(ANY, "Both"), ("inbound", "Inbound"), ("outbound", "Outbound")],
        ),
        _select(
            "has_lead",
            "Lead",
            CallsState.has_lead,
            [(ANY, "Any"), ("yes", "With a lead"), ("no", "Without a lead")],
        ),
        _date("since", "From", CallsState.since),
        _date("until", "To", CallsState.until),
        _select("sort", "Sort", CallsState.sort, list(SORTS.items())),
        rx.button("Clear", variant="ghost", on_click=CallsState.clear, align_self="end"),
        gap="3",
        wrap="wrap",
        align="end",
        width="100%",
        margin_bottom="1rem",
    )


def _row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.number, href="/calls/" + row.id.to_string(), weight="medium")),
        rx.table.cell(rx.text(row.direction, size="2")),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(rx.text(row.started, size="2")),
        rx.table.cell(rx.text(row.duration, size="2")),
        rx.table.cell(rx.text(row.lead_name, size="2")),
        rx.table.cell(rx.text(row.end_reason, size="2", color=rx.color("gray", 11))),
        on_click=CallsState.open_call(row.id),
        cursor="pointer",
        _hover={"background": rx.color("gray", 3)},
    )


def calls_table() -> rx.Component:
    return rx.cond(
        CallsState.loading,
        skeleton_rows(8),
        rx.cond(
            CallsState.rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in (
                                    "Number",
                                    "Direction",
                                    "Status",
                                    "Started (UTC)",
                                    "Duration",
                                    "Lead",
                                    "Ended",
                                )
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(CallsState.rows, _row)),
                    variant="surface",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            empty_state(
                "phone-off",
                "No calls match",
                "Clear the filters, place a call from the Dashboard, or run "
                "`python -m callcenter seed-demo` to load demo calls.",
            ),
        ),
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
