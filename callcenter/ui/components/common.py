"""Page headings, stat tiles, badges, empty states and skeletons used across pages."""

from typing import Any

import reflex as rx

from callcenter.ui.components.clip import WRAP_ANYWHERE

STATUS_COLORS = {
    "queued": "gray",
    "ringing": "amber",
    "in-progress": "green",
    "completed": "blue",
    "busy": "orange",
    "failed": "red",
    "no-answer": "orange",
    "canceled": "gray",
    "new": "blue",
    "contacted": "amber",
    "qualified": "violet",
    "won": "green",
    "lost": "gray",
}


def page_header(
    title: str | rx.Var[str], subtitle: str | rx.Var[str] = "", *actions: rx.Component
) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(title, size="7", **WRAP_ANYWHERE),
            rx.cond(subtitle != "", rx.text(subtitle, size="2", color=rx.color("gray", 11))),
            spacing="1",
            min_width="0",
            max_width="100%",
        ),
        rx.spacer(),
        rx.hstack(*actions, spacing="2", wrap="wrap"),
        width="100%",
        align="end",
        wrap="wrap",
        spacing="3",
        margin_bottom="1.5rem",
    )


def status_badge(status: rx.Var[str] | str) -> rx.Component:
    return rx.match(
        status,
        *[
            (name, rx.badge(name, color_scheme=color, variant="soft"))
            for name, color in STATUS_COLORS.items()
        ],
        rx.badge(status, variant="soft"),
    )


def stat_tile(
    label: str | rx.Var[str], value: rx.Var | str, hint: rx.Var | str = ""
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", weight="medium", color=rx.color("gray", 11)),
            rx.text(value, size="6", weight="bold", class_name="cc-tile-value"),
            rx.text(hint, size="1", color=rx.color("gray", 10)),
            spacing="1",
        ),
        width="100%",
        class_name="cc-tile",
    )


def empty_state(icon: str, title: str, hint: str | rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color=rx.color("gray", 9)),
            rx.text(title, weight="medium", size="3"),
            rx.text(hint, size="2", color=rx.color("gray", 11), text_align="center")
            if isinstance(hint, str)
            else hint,
            align="center",
            spacing="2",
            max_width="28rem",
        ),
        padding="3rem 1rem",
        width="100%",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="var(--radius-4)",
    )


def skeleton_rows(count: int = 5, height: str = "2.25rem") -> rx.Component:
    return rx.vstack(
        *[rx.skeleton(rx.box(height=height, width="100%"), loading=True) for _ in range(count)],
        spacing="2",
        width="100%",
    )


def section(title: str, *children: rx.Component, **props) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        **props,
    )


def error_alert(message: Any) -> rx.Component:
    """A red callout with role="alert", shown only while `message` is not empty."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle-alert", color_scheme="red", role="alert", width="100%"),
    )


def loaded(loading: Any, found: Any, body: rx.Component, missing: rx.Component) -> rx.Component:
    """Skeleton while loading, then the page body, or `missing` when there is nothing."""
    return rx.cond(loading, skeleton_rows(8, "3rem"), rx.cond(found, body, missing))


def table_box(headers: tuple[str, ...], rows: rx.Component) -> rx.Component:
    """A full-width table with column `headers` and body `rows` (an `rx.foreach`), scrolling
    sideways on narrow screens instead of squeezing its columns."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rows),
            variant="surface",
            width="100%",
            min_width="44rem",  # below this the box scrolls sideways; columns keep their width
        ),
        overflow_x="auto",
        width="100%",
    )


def field_label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(text, html_for=html_for, font_size="0.8rem", font_weight="500")


def labelled(text: str, html_for: str, control: rx.Component) -> rx.Component:
    """A form control under its label (the label names it for screen readers and tests)."""
    return rx.vstack(field_label(text, html_for), control, spacing="1")


def feedback(error: Any, message: Any) -> rx.Component:
    """Under a form: the refusal as a role="alert" callout, or the success line."""
    return rx.fragment(
        error_alert(error),
        rx.cond(message != "", rx.text(message, size="2", color=rx.color("green", 11))),
    )


def inline_form(*fields: rx.Component, key: Any, on_submit: Any) -> rx.Component:
    """Fields side by side (wrapping on narrow screens); a new `key` empties them."""
    return rx.form(
        rx.flex(*fields, spacing="3", wrap="wrap", align="end"),
        key=key,
        on_submit=on_submit,
        reset_on_submit=False,
    )


def add_form_section(title: str, state: Any, *fields: rx.Component) -> rx.Component:
    """A titled card: `fields` in an inline form submitted to `state.add`, its feedback below.

    `state` has `add`, `form_key` (bumped to empty the fields), `error` and `message`."""
    return section(
        title,
        inline_form(*fields, key=state.form_key.to_string(), on_submit=state.add),
        feedback(state.error, state.message),
    )


def two_thirds(main: rx.Component, side: rx.Component) -> rx.Component:
    """`main` over two columns and `side` in the third on large screens; stacked on small."""
    return rx.grid(
        rx.box(main, width="100%", grid_column=rx.breakpoints(initial="span 1", lg="span 2")),
        side,
        columns=rx.breakpoints(initial="1", lg="3"),
        spacing="3",
        width="100%",
    )


def placed_call_link(call_id: Any, note: str) -> rx.Component:
    """The green "call placed" note linking to the live view of the call just dialled."""
    return rx.cond(
        call_id > 0,
        rx.callout(
            rx.hstack(
                rx.text(note),
                rx.link("Watch it live", href="/live?call=" + call_id.to_string()),
                rx.link("details", href="/calls/" + call_id.to_string()),
                spacing="2",
            ),
            icon="phone-call",
            color_scheme="green",
            width="100%",
        ),
    )
