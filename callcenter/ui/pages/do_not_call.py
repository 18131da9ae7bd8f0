"""`/do-not-call`: numbers the dialler refuses; anyone signed in adds, managers remove."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.calls.outbound import InvalidNumber
from callcenter.ui.components.common import (
    add_form_section,
    empty_state,
    labelled,
    page_header,
    table_box,
)
from callcenter.ui.components.filters import filters_row, list_body, search_form
from callcenter.ui.components.pager import pager
from callcenter.ui.pages.dnc_data import (
    PAGE_SIZE,
    DncFilters,
    DncRow,
    add_number,
    load_entries,
    remove_number,
)
from callcenter.ui.state.auth import AuthState
from callcenter.ui.state.list_page import ListPageState, ListSpec

DO_NOT_CALL = ListSpec(
    route="/do-not-call",
    filters=DncFilters,
    noun="numbers",
    page_size=PAGE_SIZE,
    fetch=load_entries,
)


class DoNotCallState(ListPageState, AuthState):
    q: rx.Field[str] = rx.field("")
    rows: rx.Field[list[DncRow]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")
    form_key: rx.Field[int] = rx.field(0)

    def _spec(self) -> ListSpec:
        return DO_NOT_CALL

    @rx.event
    async def add(self, form: dict[str, str]):
        self.error = self.message = ""
        if await self.current_user() is None:
            return self.login_redirect()
        try:
            shown = await asyncio.to_thread(
                add_number, form.get("number") or "", form.get("reason") or ""
            )
        except InvalidNumber as exc:
            text = str(exc)
            self.error = f"Invalid number: {text}."
            return None
        self.message = f"{shown} will not be called."
        self.form_key += 1
        await self._refetch()
        return None

    @rx.event
    async def remove(self, number: str):
        self.error = self.message = ""
        user = await self.current_user()
        if user is None:
            return self.login_redirect()
        if not user.is_manager:
            self.error = "Only managers can remove numbers from the list."
            return None
        if await asyncio.to_thread(remove_number, number):
            self.message = "Removed: that number can be called again."
        else:
            self.error = "That number is not on the list any more."
        await self._refetch()
        return None


def _add_form() -> rx.Component:
    return add_form_section(
        "Add a number",
        DoNotCallState,
        labelled(
            "Number",
            "dnc-number",
            rx.input(
                id="dnc-number",
                name="number",
                type="tel",
                required=True,
                placeholder="+1 555 123 4567",
                auto_complete="off",
            ),
        ),
        labelled(
            "Reason (optional)",
            "dnc-reason",
            rx.input(
                id="dnc-reason",
                name="reason",
                max_length=300,
                placeholder="Asked not to be called",
                min_width="16rem",
            ),
        ),
        rx.button(rx.icon("phone-off", size=16), "Add to list", type="submit"),
    )


def _row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.display, weight="medium")),
        rx.table.cell(rx.text(row.reason, size="2")),
        rx.table.cell(rx.text(row.source, size="2")),
        rx.table.cell(rx.text(row.added, size="2")),
        rx.table.cell(
            rx.button(
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                disabled=~DoNotCallState.is_manager,
                on_click=DoNotCallState.remove(row.number),
            )
        ),
    )


def do_not_call_page() -> rx.Component:
    headers = ("Number", "Reason", "Source", "Added (UTC)", "")
    return rx.vstack(
        page_header(
            "Do not call",
            "Numbers the dialler refuses. Callers who ask are added by the agent itself.",
        ),
        _add_form(),
        rx.box(height="1rem"),
        filters_row(DoNotCallState, search_form(DoNotCallState, "dnc", "Digits of the number")),
        list_body(
            DoNotCallState,
            table_box(headers, rx.foreach(DoNotCallState.rows, _row)),
            empty_state(
                "phone-off",
                "No numbers listed",
                "Add a number above; the agent adds callers who ask never to be called again.",
            ),
        ),
        pager(DoNotCallState),
        spacing="0",
        width="100%",
    )
