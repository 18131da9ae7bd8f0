"""`/campaigns`: every dial list with its progress, pushed live; managers create, start, pause."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.campaigns.service import CampaignConflict
from callcenter.ui.campaign_data import act, create_campaign
from callcenter.ui.components.common import (
    add_form_section,
    empty_state,
    labelled,
    page_header,
    table_box,
)
from callcenter.ui.live.campaign_board import BOARD_TOKEN, CampaignBoard, load_everything
from callcenter.ui.state.auth import AuthState

CAMPAIGN_COLORS = {
    "draft": "gray",
    "running": "green",
    "paused": "amber",
    "completed": "blue",
    "cancelled": "red",
}
MANAGERS_ONLY = "Only managers can create, start or pause campaigns."


async def link_board(state: rx.State) -> None:
    """Link this browser to the shared board and bring it up to date once."""
    board = await state.get_state(CampaignBoard)
    board = await board._link_to(BOARD_TOKEN)
    board.rows, board.calls = await asyncio.to_thread(load_everything)


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        number = default
    return max(low, min(high, number))


class CampaignsState(AuthState):
    error: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")
    form_key: rx.Field[int] = rx.field(0)

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            return self.login_redirect()
        self.error = self.message = ""
        await link_board(self)
        return None

    @rx.event
    async def add(self, form: dict[str, str]):
        self.error = self.message = ""
        user = await self.current_user()
        if user is None:
            return self.login_redirect()
        if not user.is_manager:
            self.error = MANAGERS_ONLY
            return None
        name = (form.get("name") or "").strip()[:200]
        if not name:
            self.error = "A campaign needs a name."
            return None
        campaign_id = await asyncio.to_thread(
            create_campaign,
            name,
            _int(form.get("max_concurrent"), 2, 1, 50),
            _int(form.get("calls_per_minute"), 10, 1, 100_000),
            (form.get("instructions") or "").strip()[:8000],
            user.email,
        )
        self.form_key += 1
        return rx.redirect(f"/campaigns/{campaign_id}")

    @rx.event
    async def act(self, campaign_id: int, action: str):
        self.error = self.message = ""
        user = await self.current_user()
        if user is None:
            return self.login_redirect()
        if not user.is_manager:
            self.error = MANAGERS_ONLY
            return None
        try:
            status = await asyncio.to_thread(act, campaign_id, action)
        except CampaignConflict as exc:
            self.error = exc.detail
            return None
        self.message = f"Campaign {campaign_id} is {status}."
        return None


def campaign_badge(status: Any) -> rx.Component:
    return rx.match(
        status,
        *[
            (name, rx.badge(name, color_scheme=color, variant="soft"))
            for name, color in CAMPAIGN_COLORS.items()
        ],
        rx.badge(status, variant="soft"),
    )


def progress_bar(label: str, value: Any, pct: Any, color: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(label, size="1", color=rx.color("gray", 11)),
            rx.text(value, size="1", weight="medium"),
            spacing="1",
        ),
        rx.progress(value=pct, color_scheme=color, width="8rem"),
        spacing="1",
    )


def action_buttons(state: Any, row: Any) -> rx.Component:
    """Start (draft), pause (running), resume (paused) — shown to managers only."""
    return rx.cond(
        AuthState.is_manager,
        rx.match(
            row.status,
            ("draft", rx.button("Start", size="1", on_click=state.act(row.id, "start"))),
            (
                "running",
                rx.button("Pause", size="1", variant="soft", on_click=state.act(row.id, "pause")),
            ),
            ("paused", rx.button("Resume", size="1", on_click=state.act(row.id, "resume"))),
            rx.fragment(),
        ),
    )


def _row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.name, href="/campaigns/" + row.id.to_string(), weight="medium")),
        rx.table.cell(campaign_badge(row.status)),
        rx.table.cell(
            rx.hstack(
                progress_bar("Called", row.called, row.called_pct, "indigo"),
                progress_bar("Connected", row.connected, row.connected_pct, "green"),
                progress_bar("Qualified", row.qualified, row.qualified_pct, "violet"),
                spacing="4",
                wrap="wrap",
            )
        ),
        rx.table.cell(rx.text(row.remaining.to_string() + " of " + row.total.to_string())),
        rx.table.cell(action_buttons(CampaignsState, row)),
    )


def _create_form() -> rx.Component:
    return add_form_section(
        "New campaign",
        CampaignsState,
        labelled(
            "Name",
            "campaign-name",
            rx.input(id="campaign-name", name="name", required=True, max_length=200),
        ),
        labelled(
            "Calls at once",
            "campaign-concurrent",
            rx.input(
                id="campaign-concurrent",
                name="max_concurrent",
                type="number",
                min=1,
                max=50,
                default_value="2",
                width="7rem",
            ),
        ),
        labelled(
            "Calls per minute",
            "campaign-pace",
            rx.input(
                id="campaign-pace",
                name="calls_per_minute",
                type="number",
                min=1,
                default_value="10",
                width="7rem",
            ),
        ),
        labelled(
            "Instructions for the agent (optional)",
            "campaign-instructions",
            rx.input(id="campaign-instructions", name="instructions", min_width="20rem"),
        ),
        rx.button(rx.icon("plus", size=16), "Create", type="submit"),
    )


def campaigns_page() -> rx.Component:
    headers = ("Campaign", "Status", "Progress", "Remaining", "")
    return rx.vstack(
        page_header("Campaigns", "Dial lists worked through at a pace, with retries."),
        rx.cond(AuthState.is_manager, _create_form()),
        rx.box(height="1rem"),
        rx.cond(
            CampaignBoard.rows.length() > 0,
            table_box(headers, rx.foreach(CampaignBoard.rows, _row)),
            empty_state(
                "list-checks",
                "No campaigns yet",
                "A manager creates one above, then uploads its contacts as a CSV file.",
            ),
        ),
        spacing="0",
        width="100%",
    )
