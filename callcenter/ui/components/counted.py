"""Text fields with a length limit enforced as you type and a visible `12 / 200` count."""

from typing import Any

import reflex as rx

from callcenter.ui.components.common import field_label


def length_count(length: Any, limit: int) -> rx.Component:
    """`length / limit`, turning red at the limit."""
    return rx.text(
        length.to_string() + f" / {limit}",
        size="1",
        color=rx.cond(length >= limit, rx.color("red", 11), rx.color("gray", 10)),
        class_name="cc-count",
    )


def counted_field(
    label: str,
    html_id: str,
    *,
    name: str,
    default_value: Any,
    limit: int,
    length: Any,
    on_change: Any,
    multiline: bool = False,
) -> rx.Component:
    """A labelled input (or text area) that takes at most `limit` characters, with its count."""
    props = {
        "id": html_id,
        "name": name,
        "default_value": default_value,
        "max_length": limit,
        "on_change": on_change,
        "width": "100%",
    }
    control = rx.text_area(rows="3", **props) if multiline else rx.input(**props)
    return rx.vstack(
        rx.hstack(
            field_label(label, html_id),
            rx.spacer(),
            length_count(length, limit),
            width="100%",
            align="end",
        ),
        control,
        spacing="1",
        width="100%",
    )
