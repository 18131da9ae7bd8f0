"""`/leads/[lead_id]`: every field editable, status changes, notes with author and time, calls."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.leads.limits import FIELD_LIMITS
from callcenter.ui.components.common import (
    empty_state,
    error_alert,
    field_label,
    loaded,
    page_header,
    section,
    status_badge,
    two_thirds,
)
from callcenter.ui.components.counted import counted_field
from callcenter.ui.format import field_message, id_from_path
from callcenter.ui.pages.leads_data import (
    EDIT_FIELDS,
    STATUSES,
    LeadDetail,
    add_lead_note,
    load_lead_detail,
    save_lead,
)
from callcenter.ui.state.auth import AuthState

LABELS = {
    "name": "Name",
    "email": "Email",
    "phone": "Phone",
    "business_type": "Business",
    "need": "Need",
}


class LeadDetailState(AuthState):
    lead: rx.Field[LeadDetail] = rx.field(default_factory=LeadDetail)
    loading: rx.Field[bool] = rx.field(True)
    saving: rx.Field[bool] = rx.field(False)
    message: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")
    note_error: rx.Field[str] = rx.field("")
    form_key: rx.Field[int] = rx.field(0)

    lengths: rx.Field[dict[str, int]] = rx.field(default_factory=dict)

    def _show(self, lead: LeadDetail) -> None:
        self.lead = lead
        self.lengths = {key: len(getattr(lead, key)) for key in EDIT_FIELDS}
        self.form_key += 1

    async def _reload(self) -> None:
        self._show(await asyncio.to_thread(load_lead_detail, self.lead.id))

    @rx.event
    def set_length(self, key: str, value: str):
        self.lengths[key] = len(value)

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            return self.login_redirect()
        self.loading = True
        self.message = self.error = self.note_error = ""
        self._show(await asyncio.to_thread(load_lead_detail, id_from_path(self.router.url.path)))
        self.loading = False

    @rx.event
    async def save(self, form: dict[str, str]):
        user = await self.current_user()
        if user is None:
            yield self.login_redirect()
            return
        changes: dict[str, object] = {
            key: form.get(key, "")
            for key in EDIT_FIELDS
            if form.get(key, "") != getattr(self.lead, key)
        }
        self.message = self.error = ""
        if not changes:
            self.message = "Nothing to save."
            return
        self.saving = True
        yield
        try:
            await asyncio.to_thread(save_lead, self.lead.id, changes, user.email)
        except ValueError as exc:
            self.error = field_message(exc, LABELS)
        else:
            self.message = "Saved."
            await self._reload()
        finally:
            self.saving = False

    @rx.event
    async def set_status(self, status: str):
        user = await self.current_user()
        if user is None:
            return self.login_redirect()
        if status not in STATUSES or status == self.lead.status:
            return None
        try:
            await asyncio.to_thread(save_lead, self.lead.id, {"status": status}, user.email)
        except ValueError as exc:
            self.error = field_message(exc, LABELS)
            return None
        self.message = f"Status set to {status}."
        await self._reload()
        return None

    @rx.event
    async def add_note(self, form: dict[str, str]):
        user = await self.current_user()
        if user is None:
            return self.login_redirect()
        self.note_error = ""
        try:
            await asyncio.to_thread(add_lead_note, self.lead.id, user.email, form.get("note", ""))
        except ValueError as exc:
            self.note_error = str(exc)
            return None
        await self._reload()
        return rx.set_value("lead-note", "")


def _field(key: str) -> rx.Component:
    return counted_field(
        LABELS[key],
        f"lead-{key}",
        name=key,
        default_value=getattr(LeadDetailState.lead, key),
        limit=FIELD_LIMITS[key],
        length=LeadDetailState.lengths.to(dict)[key].to(int),
        on_change=lambda value: LeadDetailState.set_length(key, value),
        multiline=key == "need",
    )


def _note(note: Any) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(note.author, size="1", weight="bold"),
            rx.text(note.at + " UTC", size="1", color=rx.color("gray", 10)),
            spacing="2",
        ),
        rx.text(note.text, size="2", white_space="pre-wrap"),
        padding="0.5rem 0.75rem",
        border_left=f"3px solid {rx.color('accent', 7)}",
        width="100%",
        class_name="cc-note",
    )


def _call(row: Any) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(row.number, href="/calls/" + row.id.to_string(), size="2", weight="medium"),
            status_badge(row.status),
            align="center",
            spacing="2",
        ),
        rx.text(row.started, " UTC · ", row.duration, size="1", color=rx.color("gray", 11)),
        spacing="0",
        width="100%",
        padding_bottom="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _body() -> rx.Component:
    lead: Any = LeadDetailState.lead
    edit = section(
        "Details",
        rx.form(
            rx.vstack(
                *[_field(key) for key in EDIT_FIELDS],
                rx.hstack(
                    rx.button("Save changes", type="submit", loading=LeadDetailState.saving),
                    rx.text(LeadDetailState.message, size="2", color=rx.color("green", 11)),
                    align="center",
                ),
                error_alert(LeadDetailState.error),
                spacing="3",
                width="100%",
            ),
            key=LeadDetailState.form_key.to_string(),
            on_submit=LeadDetailState.save,
            reset_on_submit=False,
        ),
    )
    notes = section(
        "Notes",
        rx.form(
            rx.vstack(
                field_label("Add a note", "lead-note"),
                rx.text_area(
                    id="lead-note",
                    name="note",
                    placeholder="What happened, what's next…",
                    rows="3",
                    width="100%",
                ),
                rx.button("Add note", type="submit", variant="soft"),
                error_alert(LeadDetailState.note_error),
                spacing="2",
                width="100%",
            ),
            on_submit=LeadDetailState.add_note,
            reset_on_submit=False,
        ),
        rx.cond(
            lead.notes.length() > 0,
            rx.vstack(rx.foreach(lead.notes, _note), spacing="2", width="100%"),
            rx.text("No notes yet.", size="2", color=rx.color("gray", 11)),
        ),
    )
    side = rx.vstack(
        section(
            "Status",
            rx.hstack(
                status_badge(lead.status), rx.text("since " + lead.status_since + " UTC", size="1")
            ),
            rx.select.root(
                rx.select.trigger(aria_label="Change status", width="100%"),
                rx.select.content(*[rx.select.item(s.capitalize(), value=s) for s in STATUSES]),
                value=lead.status,
                on_change=LeadDetailState.set_status,
            ),
        ),
        section(
            "Calls",
            rx.cond(
                lead.calls.length() > 0,
                rx.vstack(rx.foreach(lead.calls, _call), spacing="2"),
                rx.text("No calls linked to this lead.", size="2", color=rx.color("gray", 11)),
            ),
        ),
        spacing="3",
        width="100%",
    )
    return rx.vstack(
        page_header(
            rx.cond(lead.name != "", lead.name, "Unnamed lead"),
            "Created " + lead.created + " UTC",
            rx.link(rx.button("All leads", variant="soft"), href="/leads"),
        ),
        two_thirds(rx.vstack(edit, notes, spacing="3", width="100%"), side),
        width="100%",
    )


def lead_detail_page() -> rx.Component:
    lead: Any = LeadDetailState.lead
    return loaded(
        LeadDetailState.loading,
        lead.found,
        _body(),
        empty_state(
            "user-x",
            "Lead not found",
            "It may have been merged into another lead. Go back to Leads.",
        ),
    )
