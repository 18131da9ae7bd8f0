"""`/softphone` ("Call the agent"): talk to the agent from the browser, no phone needed."""

import reflex as rx

from callcenter.ui.components.common import page_header
from callcenter.ui.components.transcript import chat_bubble
from callcenter.ui.live.cards import LiveCard
from callcenter.ui.live.state import LiveState
from callcenter.ui.pages.softphone_state import SoftphoneState

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


def _level_meter() -> rx.Component:
    """The microphone's level, moved by the script as you speak."""
    return rx.hstack(
        rx.icon("mic", size=16, color=rx.color("gray", 11)),
        rx.box(
            rx.box(
                id="softphone-level-bar",
                height="100%",
                width="0%",
                background=rx.color("green", 9),
                border_radius="var(--radius-2)",
                transition="width 80ms linear",
            ),
            id="softphone-level",
            role="progressbar",
            aria_label="Microphone level",
            custom_attrs={"aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0"},
            width="10rem",
            height="0.5rem",
            background=rx.color("gray", 4),
            border_radius="var(--radius-2)",
            overflow="hidden",
        ),
        rx.text("0:00", id="softphone-timer", role="timer", size="2", weight="medium"),
        align="center",
        spacing="3",
    )


def _own_transcript() -> rx.Component:
    """This browser's call as it is transcribed, then a link to it once it has ended."""
    own = LiveState.calls.to(list[LiveCard])
    return rx.box(
        rx.el.input(  # the script writes the call's id here (hidden, but a text field)
            id="softphone-call-sid",
            type="text",
            default_value="",
            on_change=SoftphoneState.set_call_sid,
            aria_hidden="true",
            tab_index=-1,
            style={"display": "none"},
        ),
        rx.cond(
            SoftphoneState.call_sid != "",
            rx.vstack(
                rx.foreach(
                    own,
                    lambda card: rx.cond(
                        card.call_sid == SoftphoneState.call_sid,
                        rx.vstack(
                            rx.foreach(
                                card.turns,
                                lambda t: chat_bubble(t.role, t.text, "", t.interrupted),
                            ),
                            rx.cond(
                                card.hearing != "", chat_bubble("agent", card.hearing, "", False)
                            ),
                            spacing="2",
                            width="100%",
                            id="softphone-transcript",
                        ),
                    ),
                ),
                rx.cond(
                    SoftphoneState.call_id > 0,
                    rx.link(
                        "Open this call (transcript and lead)",
                        href="/calls/" + SoftphoneState.call_id.to_string(),
                        size="2",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        width="100%",
        max_width="40rem",
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
        _level_meter(),
        _own_transcript(),
        standby_settings(),
        rx.script(src=SCRIPT_URL),
        spacing="4",
        align="start",
        width="100%",
    )
