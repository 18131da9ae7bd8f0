"""`/live`: every call in progress as a card, its transcript pushed in turn by turn (no polling)."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.calls.carrier import CarrierError
from callcenter.ui import runtime
from callcenter.ui.components.common import empty_state, error_alert, page_header, status_badge
from callcenter.ui.components.elapsed import elapsed
from callcenter.ui.components.transcript import chat_bubble
from callcenter.ui.live.cards import load_active_cards
from callcenter.ui.live.state import LIVE_TOKEN, LiveState
from callcenter.ui.state.auth import AuthState


class LivePageState(AuthState):
    following: rx.Field[int] = rx.field(0)
    end_error: rx.Field[str] = rx.field("")
    ending: rx.Field[int] = rx.field(0)

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            return self.login_redirect()
        follow = self.router.url.query_parameters.get("call", "")
        self.following = int(follow) if follow.isdigit() else 0
        self.end_error = ""
        live = await self.get_state(LiveState)
        live = await live._link_to(LIVE_TOKEN)
        # Catch up with the database once on arrival (e.g. calls that began before a restart);
        # after that every change is pushed by the live sink.
        live._replace_all(await asyncio.to_thread(load_active_cards))

    @rx.event
    def follow(self, call_id: int):
        self.following = 0 if self.following == call_id else call_id

    @rx.event
    async def end_call(self, call_id: int):
        user = await self.current_user()
        if user is None:
            yield self.login_redirect()
            return
        if not user.is_manager:
            self.end_error = "Only managers can end calls."
            return
        self.ending = call_id
        self.end_error = ""
        yield
        try:
            await runtime.call_life().hang_up(call_id)
        except (CarrierError, LookupError) as exc:
            self.end_error = f"Could not end the call: {exc}"
        finally:
            self.ending = 0


def _turn(turn: Any) -> rx.Component:
    return chat_bubble(turn.role, turn.text, "", turn.interrupted)


def _speaking(card: Any) -> rx.Component:
    return rx.match(
        card.speaking,
        ("caller", rx.badge(rx.icon("mic", size=12), "Caller speaking", color_scheme="green")),
        (
            "agent",
            rx.badge(rx.icon("audio-lines", size=12), "Agent speaking", color_scheme="indigo"),
        ),
        rx.badge("Listening", color_scheme="gray", variant="surface"),
    )


def live_card(card: Any) -> rx.Component:
    followed = LivePageState.following == card.id
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(
                    rx.cond(card.direction == "outbound", "phone-outgoing", "phone-incoming"),
                    size=18,
                ),
                rx.link(
                    rx.text(card.number, weight="bold", size="3"),
                    href="/calls/" + card.id.to_string(),
                ),
                status_badge(card.status),
                rx.spacer(),
                rx.text(elapsed(since=card.started_at), size="2", font_family="monospace"),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.hstack(
                _speaking(card),
                rx.cond(
                    card.lead_name != "",
                    rx.text(
                        card.lead_name,
                        " · ",
                        card.lead_summary,
                        size="1",
                        color=rx.color("gray", 11),
                    ),
                    rx.text("No lead details yet", size="1", color=rx.color("gray", 10)),
                ),
                align="center",
                wrap="wrap",
            ),
            rx.box(
                rx.cond(
                    (card.turns.length() > 0) | (card.hearing != ""),
                    rx.vstack(
                        rx.foreach(card.turns, _turn),
                        rx.cond(  # the agent's sentence as it is being heard
                            card.hearing != "",
                            rx.box(
                                chat_bubble("agent", card.hearing, "", False),
                                class_name="cc-hearing",
                                custom_attrs={"data-heard-ms": card.heard_ms.to_string()},
                                width="100%",
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    rx.text("Waiting for the first words…", size="2", color=rx.color("gray", 10)),
                ),
                # column-reverse keeps the scroll pinned to the newest turn as turns arrive.
                display="flex",
                flex_direction="column-reverse",
                max_height=rx.cond(followed, "36rem", "16rem"),
                overflow_y="auto",
                width="100%",
                class_name="cc-live-transcript",
            ),
            rx.hstack(
                rx.button(
                    rx.cond(followed, "Unfollow", "Follow"),
                    variant="soft",
                    size="1",
                    on_click=LivePageState.follow(card.id),
                ),
                rx.cond(
                    LivePageState.is_manager,
                    rx.button(
                        rx.icon("phone-off", size=14),
                        "End call",
                        color_scheme="red",
                        variant="soft",
                        size="1",
                        loading=LivePageState.ending == card.id,
                        on_click=LivePageState.end_call(card.id),
                    ),
                ),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="live-call-" + card.id.to_string(),
        class_name="cc-live-card",
        border=rx.cond(followed, f"2px solid {rx.color('accent', 8)}", "none"),
        grid_column=rx.cond(followed, "1 / -1", "auto"),
    )


def live_page() -> rx.Component:
    return rx.vstack(
        page_header(
            "Live",
            "Calls in progress. Transcripts stream in as people speak.",
            rx.badge(LiveState.active_count.to_string() + " active", size="2", variant="soft"),
        ),
        error_alert(LivePageState.end_error),
        rx.cond(
            LiveState.calls.length() > 0,
            rx.grid(
                rx.foreach(LiveState.calls, live_card),
                columns=rx.breakpoints(initial="1", md="2", xl="3"),
                spacing="3",
                width="100%",
            ),
            empty_state(
                "radio",
                "No calls in progress",
                "This page updates by itself. Place a call from the Dashboard or use "
                "“Call the agent” and it appears here the moment it starts.",
            ),
        ),
        spacing="3",
        width="100%",
    )
