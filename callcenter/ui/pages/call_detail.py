"""`/calls/[call_id]`: summary and recording, metadata, status timeline, the transcript as a
chat (a click on a turn plays the recording from there), the lead, call back."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.ui.components.common import (
    empty_state,
    error_alert,
    loaded,
    page_header,
    placed_call_link,
    section,
    status_badge,
    two_thirds,
)
from callcenter.ui.components.transcript import chat_bubble
from callcenter.ui.format import id_from_path
from callcenter.ui.pages.calls_data import CallDetail, load_call_detail
from callcenter.ui.state.auth import AuthState
from callcenter.ui.state.dialing import dial


class CallDetailState(AuthState):
    detail: rx.Field[CallDetail] = rx.field(default_factory=CallDetail)
    loading: rx.Field[bool] = rx.field(True)
    action_error: rx.Field[str] = rx.field("")
    callback_id: rx.Field[int] = rx.field(0)
    calling_back: rx.Field[bool] = rx.field(False)

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            return self.login_redirect()
        self.loading = True
        self.action_error = ""
        self.callback_id = 0
        call_id = id_from_path(self.router.url.path)
        self.detail = await asyncio.to_thread(load_call_detail, call_id)
        self.loading = False

    @rx.event
    async def call_back(self):
        user = await self.current_user()
        if user is None:
            yield self.login_redirect()
            return
        if not user.is_manager:
            self.action_error = "Only managers can place calls."
            return
        self.calling_back = True
        self.action_error = ""
        yield
        try:
            outcome = await dial(self.detail.dial_number, self.detail.lead_id or None)
        finally:
            self.calling_back = False
        self.action_error, self.callback_id = outcome.error, outcome.call_id


def _meta(label: str, value: Any) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color=rx.color("gray", 11)),
        rx.text(
            rx.cond(value != "", value, "—"), size="2", weight="medium", word_break="break-all"
        ),
        spacing="0",
    )


def _timeline_item(entry: Any) -> rx.Component:
    return rx.hstack(
        rx.text(entry.at, size="1", color=rx.color("gray", 10), min_width="4.5rem"),
        status_badge(entry.status),
        rx.text(entry.detail, size="1", color=rx.color("gray", 11)),
        align="center",
        spacing="2",
    )


PLAYER_ID = "call-recording"


def _turn(turn: Any) -> rx.Component:
    # Seek the player to where the turn starts, then play (a refused autoplay is fine).
    seek = rx.call_script(
        f"(() => {{ const a = document.getElementById('{PLAYER_ID}'); if (a) {{ a.currentTime = "
        + turn.offset.to_string()
        + "; a.play().catch(() => {}); } })()"
    )
    detail: Any = CallDetailState.detail
    return rx.box(
        chat_bubble(turn.role, turn.text, turn.at, turn.interrupted),
        on_click=seek,
        cursor=rx.cond(detail.recording_url != "", "pointer", "default"),
        title="Play the recording from here",
        width="100%",
    )


def _review_card() -> rx.Component:
    d: Any = CallDetailState.detail
    return section(
        "Summary",
        rx.vstack(
            rx.hstack(
                rx.cond(d.outcome != "", rx.badge(d.outcome, size="2", color_scheme="blue")),
                rx.cond(
                    d.sentiment != "",
                    rx.badge(
                        d.sentiment,
                        size="2",
                        color_scheme=rx.match(
                            d.sentiment, ("positive", "green"), ("negative", "red"), "gray"
                        ),
                    ),
                ),
                spacing="2",
            ),
            rx.text(
                rx.cond(
                    d.summary != "",
                    d.summary,
                    rx.cond(d.reviewed, "No summary: the caller said nothing.", "No summary yet."),
                ),
                size="2",
                class_name="cc-call-summary",
            ),
            rx.cond(d.next_step != "", _meta("Next step", d.next_step)),
            rx.cond(
                d.recording_url != "",
                rx.el.audio(
                    src=d.recording_url,
                    controls=True,
                    preload="metadata",
                    id=PLAYER_ID,
                    style={"width": "100%"},
                ),
                rx.text("No recording.", size="1", color=rx.color("gray", 11)),
            ),
            spacing="2",
            width="100%",
        ),
    )


def _lead_card() -> rx.Component:
    d: Any = CallDetailState.detail
    return section(
        "Lead",
        rx.cond(
            d.lead_id > 0,
            rx.vstack(
                _meta("Name", d.lead_name),
                _meta("Email", d.lead_email),
                _meta("Phone", d.lead_phone),
                _meta("Business", d.lead_business),
                _meta("Need", d.lead_need),
                rx.link("Open lead", href="/leads/" + d.lead_id.to_string()),
                spacing="2",
            ),
            rx.text("No lead was captured on this call.", size="2", color=rx.color("gray", 11)),
        ),
    )


def _body() -> rx.Component:
    d: Any = CallDetailState.detail
    return rx.vstack(
        page_header(
            "Call with " + d.number,
            d.direction + " call · started " + d.started,
            rx.link(rx.button("All calls", variant="soft"), href="/calls"),
            rx.button(
                rx.icon("phone-outgoing", size=16),
                "Call back",
                on_click=CallDetailState.call_back,
                loading=CallDetailState.calling_back,
                disabled=~CallDetailState.is_manager,
            ),
        ),
        error_alert(CallDetailState.action_error),
        placed_call_link(CallDetailState.callback_id, "Calling back."),
        two_thirds(
            section(
                "Transcript",
                rx.cond(
                    d.turns.length() > 0,
                    rx.vstack(rx.foreach(d.turns, _turn), spacing="2", width="100%"),
                    rx.text("Nothing was said on this call.", size="2", color=rx.color("gray", 11)),
                ),
            ),
            rx.vstack(
                _review_card(),
                section(
                    "Details",
                    rx.grid(
                        rx.vstack(
                            rx.text("Status", size="1", color=rx.color("gray", 11)),
                            status_badge(d.status),
                            spacing="1",
                        ),
                        _meta("End reason", d.end_reason),
                        _meta("Duration", d.duration),
                        _meta("Answered by", d.answered_by),
                        _meta("From", d.from_number),
                        _meta("To", d.to_number),
                        _meta("Ended", d.ended),
                        _meta("Call SID", d.call_sid),
                        _meta("AI cost", d.ai_cost),
                        _meta("Carrier cost", d.carrier_cost),
                        columns="2",
                        spacing="3",
                    ),
                    rx.cond(
                        d.error != "", rx.callout(d.error, color_scheme="red", icon="circle-alert")
                    ),
                ),
                _lead_card(),
                section(
                    "Status timeline",
                    rx.vstack(rx.foreach(d.timeline, _timeline_item), spacing="2"),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def call_detail_page() -> rx.Component:
    detail: Any = CallDetailState.detail
    return loaded(
        CallDetailState.loading,
        detail.found,
        _body(),
        empty_state("phone-off", "Call not found", "It may have been removed. Go back to Calls."),
    )
