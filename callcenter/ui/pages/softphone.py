"""`/softphone` ("Call the agent"): talk to the agent from the browser, no phone needed."""

import reflex as rx

from callcenter.ui.components.common import page_header

SCRIPT_URL = "/api/softphone/static/softphone.js"


def incoming_banner() -> rx.Component:
    """Shown by the script while an outbound call rings this page (hidden otherwise)."""
    return rx.callout.root(
        rx.hstack(
            rx.icon("phone-incoming"),
            rx.text("Incoming call", id="softphone-incoming-text", weight="bold"),
            rx.button("Answer", custom_attrs={"data-softphone": "answer"}, color_scheme="green"),
            rx.button(
                "Decline",
                custom_attrs={"data-softphone": "decline"},
                color_scheme="red",
                variant="soft",
            ),
            spacing="3",
            align="center",
        ),
        id="softphone-incoming",
        role="alert",
        color_scheme="green",
        style={"display": "none"},
    )


def standby_settings() -> rx.Component:
    """The number outbound calls ring this page on, and the "ring for every call" switch."""
    return rx.vstack(
        rx.text(
            "Outbound calls to ",
            rx.code("…", id="softphone-number"),
            " ring this page while it is open.",
            size="2",
        ),
        rx.el.label(
            rx.el.input(type="checkbox", id="softphone-ring-any"),
            " Ring this page for every outbound call (simulator only)",
            style={"fontSize": "0.875rem"},
        ),
        spacing="1",
    )


def softphone_page() -> rx.Component:
    """A call button wired to the softphone script (microphone → μ-law → the simulator)."""
    return rx.vstack(
        page_header(
            "Call the agent",
            "Speak with the AI agent through your microphone; the call appears on the Live page.",
        ),
        incoming_banner(),
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
        standby_settings(),
        rx.script(src=SCRIPT_URL),
        spacing="4",
        align="start",
        width="100%",
    )
