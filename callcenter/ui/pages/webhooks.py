"""`/webhooks` (managers only): endpoints that receive signed events, the secret shown once
on creation, and each endpoint's delivery log with Resend for a failed delivery."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.ui.components.common import (
    add_form_section,
    empty_state,
    labelled,
    page_header,
    section,
    skeleton_rows,
    table_box,
)
from callcenter.ui.pages.webhooks_data import (
    ALL_EVENTS,
    DeliveryRow,
    EndpointRow,
    add_endpoint,
    delete_endpoint,
    load_deliveries,
    load_endpoints,
    resend_delivery,
)
from callcenter.ui.state.auth import AuthState

MANAGERS_ONLY = "Only managers can manage webhooks."


class WebhooksState(AuthState):
    endpoints: rx.Field[list[EndpointRow]] = rx.field(default_factory=list)
    deliveries: rx.Field[list[DeliveryRow]] = rx.field(default_factory=list)
    selected: rx.Field[int] = rx.field(0)
    loading: rx.Field[bool] = rx.field(True)
    adding: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")
    new_secret: rx.Field[str] = rx.field("")
    form_key: rx.Field[int] = rx.field(0)

    async def _reload(self) -> None:
        self.endpoints = await asyncio.to_thread(load_endpoints)
        ids = [e.id for e in self.endpoints]
        if self.selected not in ids:
            self.selected = ids[0] if ids else 0
        self.deliveries = (
            await asyncio.to_thread(load_deliveries, self.selected) if self.selected else []
        )

    @rx.event
    async def on_load(self):
        self.error = self.message = self.new_secret = ""
        user, refuse = await self.manager_or_refusal()
        if user is None:
            yield refuse
            return
        self.loading = True
        yield
        await self._reload()
        self.loading = False

    @rx.event
    async def add(self, form: dict[str, Any]):
        self.error = self.message = self.new_secret = ""
        user, refuse = await self.manager_or_refusal()
        if user is None:
            self.error = MANAGERS_ONLY
            yield refuse
            return
        events = [e for e in ALL_EVENTS if form.get(e)]
        self.adding = True
        yield
        try:
            endpoint_id, secret = await asyncio.to_thread(
                add_endpoint, str(form.get("url") or ""), events
            )
        except ValueError as exc:
            self.error = str(exc)
        else:
            self.new_secret = secret
            self.message = "Endpoint added. Copy its signing secret now: it is not shown again."
            self.selected = endpoint_id
            self.form_key += 1
            await self._reload()
        finally:
            self.adding = False

    @rx.event
    async def select(self, endpoint_id: int):
        self.selected = endpoint_id
        self.deliveries = await asyncio.to_thread(load_deliveries, endpoint_id)

    @rx.event
    async def delete(self, endpoint_id: int):
        self.error = self.message = self.new_secret = ""
        user, refuse = await self.manager_or_refusal()
        if user is None:
            self.error = MANAGERS_ONLY
            return refuse
        await asyncio.to_thread(delete_endpoint, endpoint_id)
        self.message = "Endpoint deleted."
        await self._reload()
        return None

    @rx.event
    async def resend(self, delivery_id: int):
        self.error = self.message = ""
        user, refuse = await self.manager_or_refusal()
        if user is None:
            self.error = MANAGERS_ONLY
            return refuse
        if await asyncio.to_thread(resend_delivery, delivery_id):
            self.message = "Queued again: it will be delivered with the same webhook-id."
        await self._reload()
        return None


def _add_form() -> rx.Component:
    return add_form_section(
        "Add an endpoint",
        WebhooksState,
        labelled(
            "URL",
            "webhook-url",
            rx.input(
                id="webhook-url",
                name="url",
                type="url",
                required=True,
                placeholder="https://crm.example.com/hooks/calls",
                min_width="20rem",
            ),
        ),
        rx.vstack(
            rx.text("Events", size="1", weight="medium"),
            rx.hstack(
                *[rx.checkbox(event, name=event, default_checked=True) for event in ALL_EVENTS],
                spacing="3",
                min_height="2rem",
                align="center",
                wrap="wrap",
            ),
            spacing="1",
        ),
        rx.button("Add endpoint", type="submit", loading=WebhooksState.adding),
    )


def _secret() -> rx.Component:
    return rx.cond(
        WebhooksState.new_secret != "",
        rx.callout(
            rx.vstack(
                rx.text("Signing secret (Standard Webhooks): shown only now."),
                rx.code(WebhooksState.new_secret, class_name="cc-webhook-secret"),
                spacing="1",
            ),
            icon="key-round",
            color_scheme="amber",
        ),
    )


def _endpoint_row(endpoint: Any) -> rx.Component:
    chosen = WebhooksState.selected == endpoint.id
    return rx.table.row(
        rx.table.cell(rx.text(endpoint.url, weight="medium", word_break="break-all")),
        rx.table.cell(rx.text(endpoint.events, size="2")),
        rx.table.cell(rx.text(endpoint.created, size="2")),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Deliveries",
                    size="1",
                    variant=rx.cond(chosen, "solid", "soft"),
                    on_click=WebhooksState.select(endpoint.id),
                ),
                rx.button(
                    "Delete",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=WebhooksState.delete(endpoint.id),
                ),
                spacing="2",
            )
        ),
        class_name="cc-webhook",
    )


def _status(status: Any) -> rx.Component:
    return rx.badge(
        status,
        variant="soft",
        color_scheme=rx.match(status, ("delivered", "green"), ("failed", "red"), "amber"),
    )


def _delivery_row(delivery: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(delivery.event_id, size="1")),
        rx.table.cell(rx.text(delivery.type, size="2")),
        rx.table.cell(_status(delivery.status)),
        rx.table.cell(rx.text(delivery.attempts, size="2")),
        rx.table.cell(rx.text(delivery.last_error, size="1", color=rx.color("gray", 11))),
        rx.table.cell(rx.text(delivery.when, size="2")),
        rx.table.cell(
            rx.cond(
                delivery.failed,
                rx.button(
                    "Resend", size="1", variant="soft", on_click=WebhooksState.resend(delivery.id)
                ),
            )
        ),
        class_name="cc-delivery",
    )


def _deliveries() -> rx.Component:
    headers = ("Event id", "Type", "Status", "Attempts", "Last error", "When (UTC)", "")
    return section(
        "Delivery log",
        rx.cond(
            WebhooksState.deliveries.length() > 0,
            table_box(headers, rx.foreach(WebhooksState.deliveries, _delivery_row)),
            rx.text("Nothing sent to this endpoint yet.", size="2", color=rx.color("gray", 11)),
        ),
    )


def webhooks_page() -> rx.Component:
    headers = ("URL", "Events", "Added (UTC)", "")
    return rx.vstack(
        page_header(
            "Webhooks",
            "Signed events (Standard Webhooks) for your CRM: calls started and completed, "
            "leads created and updated. Failed deliveries are retried with backoff.",
        ),
        _add_form(),
        _secret(),
        rx.cond(
            WebhooksState.loading,
            skeleton_rows(3),
            rx.cond(
                WebhooksState.endpoints.length() > 0,
                rx.vstack(
                    table_box(headers, rx.foreach(WebhooksState.endpoints, _endpoint_row)),
                    _deliveries(),
                    spacing="4",
                    width="100%",
                ),
                empty_state("webhook", "No endpoints yet", "Add one with the form above."),
            ),
        ),
        spacing="4",
        width="100%",
    )
