"""`/softphone` ("Call the agent"): talk to the agent from the browser, no phone needed."""

import reflex as rx

from callcenter.ui.components.common import page_header

SCRIPT_URL = "/api/softphone/static/softphone.js"


def softphone_page() -> rx.Component:
    """A call button wired to the softphone script (microphone → μ-law → the simulator)."""
    return rx.vstack(
        page_header(
            "Call the agent",
            "Speak with the AI agent through your microphone; the call appears on the Live page.",
        ),
        rx.hstack(
            rx.button(
                rx.icon("phone"),
                "Call me in the browser",
                custom_attrs={"data-softphone": "call"},
                size="3",
            ),
            rx.button(
                rx.icon("phone-off"),
                "Hang up",
                custom_attrs={"data-softphone": "hangup"},
                size="3",
                variant="soft",
                color_scheme="red",
            ),
            spacing="3",
        ),
        rx.text(
            "Ready.",
            id="softphone-status",
            role="status",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.script(src=SCRIPT_URL),
        spacing="4",
        align="start",
        width="100%",
    )
