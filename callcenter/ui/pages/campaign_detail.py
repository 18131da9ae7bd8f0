"""`/campaigns/[campaign_id]`: live counts and calls, the contacts table, and a CSV upload
previewed (first rows and every refused line) before the contacts are added."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.campaigns.contacts import ContactFileError
from callcenter.campaigns.service import CampaignConflict
from callcenter.ui.campaign_data import (
    CONTACTS_PAGE_SIZE,
    ContactRow,
    PreviewRow,
    RefusedRow,
    act,
    add_contacts,
    load_contacts,
    preview,
    read_csv,
)
from callcenter.ui.components.common import (
    empty_state,
    feedback,
    page_header,
    section,
    stat_tile,
    table_box,
)
from callcenter.ui.format import id_from_path
from callcenter.ui.live.campaign_board import CampaignBoard
from callcenter.ui.pages.campaigns import (
    MANAGERS_ONLY,
    action_buttons,
    campaign_badge,
    link_board,
)
from callcenter.ui.state.auth import AuthState

UPLOAD_ID = "contacts-csv"


class CampaignDetailState(AuthState):
    campaign_id: rx.Field[int] = rx.field(0)
    contacts: rx.Field[list[ContactRow]] = rx.field(default_factory=list)
    contacts_total: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    preview_rows: rx.Field[list[PreviewRow]] = rx.field(default_factory=list)
    refused: rx.Field[list[RefusedRow]] = rx.field(default_factory=list)
    ready: rx.Field[int] = rx.field(0)  # contacts the previewed file would add
    refused_total: rx.Field[int] = rx.field(0)
    error: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.contacts_total // CONTACTS_PAGE_SIZE))

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            return self.login_redirect()
        self.campaign_id = id_from_path(self.router.url.path)
        self.page = 1
        self.error = self.message = ""
        self._clear_preview()
        await link_board(self)
        await self._load_contacts()
        return None

    def _clear_preview(self) -> None:
        self.preview_rows, self.refused = [], []
        self.ready = self.refused_total = 0

    async def _load_contacts(self) -> None:
        self.contacts, self.contacts_total = await asyncio.to_thread(
            load_contacts, self.campaign_id, self.page
        )

    @rx.event
    async def refresh(self):
        await self._load_contacts()

    @rx.event
    async def go(self, delta: int):
        self.page = max(1, min(self.pages, self.page + delta))
        await self._load_contacts()

    async def _manager(self) -> bool:
        user = await self.current_user()
        if user is None or not user.is_manager:
            self.error = MANAGERS_ONLY
            return False
        return True

    async def _read(self, files: list[rx.UploadFile]) -> Any:
        if not files:
            self.error = "Choose a CSV file first."
            return None
        data = await files[0].read()
        try:
            return await asyncio.to_thread(read_csv, data)
        except ContactFileError as exc:
            self.error = f"That file cannot be read: {exc}"
            return None

    @rx.event
    async def preview_upload(self, files: list[rx.UploadFile]):
        """Show the first rows and every refused line; nothing is stored yet."""
        self.error = self.message = ""
        self._clear_preview()
        if not await self._manager():
            return
        parsed = await self._read(files)
        if parsed is None:
            return
        self.preview_rows, self.refused = preview(parsed)
        self.ready, self.refused_total = len(parsed.contacts), len(parsed.invalid)

    @rx.event
    async def add_upload(self, files: list[rx.UploadFile]):
        self.error = self.message = ""
        if not await self._manager():
            return
        parsed = await self._read(files)
        if parsed is None:
            return
        try:
            report = await asyncio.to_thread(add_contacts, self.campaign_id, parsed)
        except CampaignConflict as exc:
            self.error = exc.detail
            return
        self._clear_preview()
        self.message = (
            f"Added {report.added} contacts ({report.merged} merged with ones already listed, "
            f"{len(report.invalid)} refused)."
        )
        await self._load_contacts()

    @rx.event
    async def act(self, campaign_id: int, action: str):
        self.error = self.message = ""
        if not await self._manager():
            return
        try:
            status = await asyncio.to_thread(act, campaign_id, action)
        except CampaignConflict as exc:
            self.error = exc.detail
            return
        self.message = f"The campaign is {status}."


def _counts(row: Any) -> rx.Component:
    return rx.cond(
        row.id == CampaignDetailState.campaign_id,
        rx.vstack(
            page_header(
                row.name,
                "Created " + row.created,
                campaign_badge(row.status),
                action_buttons(CampaignDetailState, row),
                rx.cond(
                    AuthState.is_manager
                    & (row.status != "completed")
                    & (row.status != "cancelled"),
                    rx.button(
                        "Cancel",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=CampaignDetailState.act(row.id, "cancel"),
                    ),
                ),
            ),
            rx.grid(
                stat_tile("Contacts", row.total.to_string()),
                stat_tile("Pending", row.pending.to_string()),
                stat_tile("Calling", row.calling.to_string()),
                stat_tile("Waiting to retry", row.retry.to_string()),
                stat_tile("Done", row.done.to_string()),
                stat_tile("Skipped", row.skipped.to_string()),
                stat_tile("Failed", row.failed.to_string()),
                stat_tile("Qualified", row.qualified.to_string()),
                columns=rx.breakpoints(initial="2", sm="4", lg="8"),
                spacing="3",
                width="100%",
            ),
            width="100%",
            spacing="3",
        ),
    )


def _live_call(call: Any) -> rx.Component:
    return rx.cond(
        call.campaign_id == CampaignDetailState.campaign_id,
        rx.hstack(
            rx.icon("phone-outgoing", size=14),
            rx.link(call.number, href="/live?call=" + call.id.to_string()),
            rx.badge(call.status, variant="soft"),
            spacing="2",
            align="center",
        ),
    )


def _contact(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.phone, weight="medium")),
        rx.table.cell(row.name),
        rx.table.cell(rx.badge(row.state, variant="soft")),
        rx.table.cell(row.attempts.to_string()),
        rx.table.cell(rx.text(row.outcome, size="2")),
        rx.table.cell(rx.text(row.reason, size="2")),
        rx.table.cell(
            rx.hstack(
                rx.foreach(
                    row.call_ids,
                    lambda cid: rx.link("#" + cid.to_string(), href="/calls/" + cid.to_string()),
                ),
                spacing="2",
            )
        ),
    )


def _preview_table() -> rx.Component:
    return rx.cond(
        CampaignDetailState.ready + CampaignDetailState.refused_total > 0,
        rx.vstack(
            rx.text(
                CampaignDetailState.ready.to_string()
                + " contacts ready, "
                + CampaignDetailState.refused_total.to_string()
                + " refused. First rows:",
                size="2",
            ),
            table_box(
                ("Line", "Phone", "Name", "Email", "Company"),
                rx.foreach(
                    CampaignDetailState.preview_rows,
                    lambda r: rx.table.row(
                        rx.table.cell(r.line.to_string()),
                        rx.table.cell(r.phone),
                        rx.table.cell(r.name),
                        rx.table.cell(r.email),
                        rx.table.cell(r.company),
                    ),
                ),
            ),
            rx.cond(
                CampaignDetailState.refused_total > 0,
                table_box(
                    ("Refused line", "Value", "Why"),
                    rx.foreach(
                        CampaignDetailState.refused,
                        lambda r: rx.table.row(
                            rx.table.cell(r.line.to_string()),
                            rx.table.cell(r.value),
                            rx.table.cell(rx.text(r.error, color=rx.color("red", 11))),
                        ),
                    ),
                ),
            ),
            rx.button(
                "Add these contacts",
                on_click=CampaignDetailState.add_upload(rx.upload_files(upload_id=UPLOAD_ID)),
            ),
            spacing="3",
            width="100%",
        ),
    )


def _upload() -> rx.Component:
    return section(
        "Add contacts from a CSV file",
        rx.text(
            "A header row with a phone column (name, email, company optional); UTF-8.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.hstack(
            rx.upload(
                rx.button("Choose file", variant="soft", type="button"),
                id=UPLOAD_ID,
                accept={"text/csv": [".csv"], "text/plain": [".txt"]},
                max_files=1,
                multiple=False,
                border="none",
                padding="0",
            ),
            rx.text(rx.selected_files(UPLOAD_ID).join(", "), size="2"),
            rx.button(
                "Preview",
                on_click=CampaignDetailState.preview_upload(rx.upload_files(upload_id=UPLOAD_ID)),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        _preview_table(),
    )


def campaign_detail_page() -> rx.Component:
    headers = ("Phone", "Name", "State", "Attempts", "Last outcome", "Skipped because", "Calls")
    return rx.vstack(
        rx.foreach(CampaignBoard.rows, _counts),
        feedback(CampaignDetailState.error, CampaignDetailState.message),
        rx.box(height="1rem"),
        section("Calls in progress", rx.foreach(CampaignBoard.calls, _live_call)),
        rx.box(height="1rem"),
        rx.cond(AuthState.is_manager, _upload()),
        rx.box(height="1rem"),
        rx.hstack(
            rx.heading("Contacts", size="4"),
            rx.spacer(),
            rx.button("Refresh", size="1", variant="soft", on_click=CampaignDetailState.refresh),
            width="100%",
        ),
        rx.cond(
            CampaignDetailState.contacts_total > 0,
            table_box(headers, rx.foreach(CampaignDetailState.contacts, _contact)),
            empty_state("users", "No contacts yet", "Upload a CSV file to add contacts."),
        ),
        rx.hstack(
            rx.button("Previous", size="1", variant="soft", on_click=CampaignDetailState.go(-1)),
            rx.text(
                "Page "
                + CampaignDetailState.page.to_string()
                + " of "
                + CampaignDetailState.pages.to_string(),
                size="2",
            ),
            rx.button("Next", size="1", variant="soft", on_click=CampaignDetailState.go(1)),
            spacing="3",
            align="center",
            margin_top="0.75rem",
        ),
        spacing="0",
        width="100%",
    )
