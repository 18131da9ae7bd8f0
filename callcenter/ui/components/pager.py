"""Previous / next paging under a list, with "1–25 of 60" and "Page 1 of 3"."""

from typing import Any

import reflex as rx


def pager(state: Any) -> rx.Component:
    """For a list state with `showing`, `page`, `page_count` and a `go_page` handler."""
    return rx.hstack(
        rx.text(state.showing, size="2", color=rx.color("gray", 11)),
        rx.spacer(),
        rx.button(
            "Previous",
            variant="soft",
            disabled=state.page <= 1,
            on_click=state.go_page(state.page - 1),
        ),
        rx.text("Page ", state.page.to_string(), " of ", state.page_count.to_string(), size="2"),
        rx.button(
            "Next",
            variant="soft",
            disabled=state.page >= state.page_count,
            on_click=state.go_page(state.page + 1),
        ),
        width="100%",
        align="center",
        margin_top="1rem",
    )
