"""A transcript as a chat: the caller on the left, the agent on the right."""

from typing import Any

import reflex as rx


def chat_bubble(role: Any, text: Any, at: Any, interrupted: Any) -> rx.Component:
    is_agent = role == "agent"
    return rx.flex(
        rx.box(
            rx.hstack(
                rx.text(rx.cond(is_agent, "Agent", "Caller"), size="1", weight="bold"),
                rx.text(at, size="1", color=rx.color("gray", 10)),
                rx.cond(interrupted, rx.badge("interrupted", color_scheme="orange", size="1")),
                spacing="2",
                align="center",
            ),
            rx.text(text, size="2", class_name="cc-turn-text"),
            background=rx.cond(is_agent, rx.color("accent", 3), rx.color("gray", 3)),
            padding="0.5rem 0.75rem",
            border_radius="var(--radius-4)",
            max_width="80%",
            opacity=rx.cond(interrupted, "0.8", "1"),
        ),
        justify=rx.cond(is_agent, "end", "start"),
        width="100%",
    )
