"""The pieces of a list page: search box, select and date filters, and the table-or-empty body."""

from typing import Any

import reflex as rx

from callcenter.ui.components.common import skeleton_rows
from callcenter.ui.state.list_page import ANY

_LABEL = {"font_size": "0.75rem", "font_weight": "500"}


def search_form(state: Any, prefix: str, placeholder: str) -> rx.Component:
    """A labelled search box submitting to `state.search`; it keeps the query from the URL."""
    return rx.form(
        rx.vstack(
            rx.el.label("Search", html_for=f"{prefix}-q", **_LABEL),
            rx.hstack(
                rx.input(
                    id=f"{prefix}-q",
                    name="q",
                    type="search",
                    placeholder=placeholder,
                    default_value=state.q,
                    key=state.q,
                    min_width="16rem",
                ),
                rx.button("Search", type="submit", variant="soft"),
            ),
            spacing="1",
        ),
        on_submit=state.search,
        reset_on_submit=False,
    )


def choice_filter(
    state: Any, name: str, label: str, options: list[tuple[str, str]]
) -> rx.Component:
    """A select bound to the filter `name` of `state`; the ANY option clears it."""
    value = getattr(state, name)
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        rx.select.root(
            rx.select.trigger(aria_label=label, min_width="8.5rem"),
            rx.select.content(*[rx.select.item(text, value=key) for key, text in options]),
            value=rx.cond(value == "", ANY, value),
            on_change=lambda v: state.set_filter(name, v),
        ),
        spacing="1",
    )


def date_filter(state: Any, prefix: str, name: str, label: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"{prefix}-{name}", **_LABEL),
        rx.input(
            id=f"{prefix}-{name}",
            type="date",
            value=getattr(state, name),
            on_change=lambda v: state.set_filter(name, v),
        ),
        spacing="1",
    )


def filters_row(state: Any, *filters: rx.Component) -> rx.Component:
    """The filters side by side (wrapping on narrow screens), then a Clear button."""
    return rx.flex(
        *filters,
        rx.button("Clear", variant="ghost", on_click=state.clear, align_self="end"),
        spacing="3",
        wrap="wrap",
        align="end",
        width="100%",
        margin_bottom="1rem",
    )


def list_body(
    state: Any, table: rx.Component, empty: rx.Component, rows: Any = None
) -> rx.Component:
    """Skeleton rows while `state` loads, then the table, or `empty` when nothing matches
    (`rows`: what the table lists, when not `state.rows`)."""
    rows = state.rows if rows is None else rows
    return rx.cond(
        state.loading,
        skeleton_rows(8),
        rx.cond(rows.length() > 0, table, empty),
    )
