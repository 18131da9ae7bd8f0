"""`/users` (managers only): who can sign in, adding users, deactivating and reactivating them."""

import asyncio
from typing import Any

import reflex as rx

from callcenter.ui.components.common import (
    add_form_section,
    empty_state,
    labelled,
    page_header,
    skeleton_rows,
    table_box,
)
from callcenter.ui.pages.users_data import ROLES, UserRow, add_user, load_users, set_active
from callcenter.ui.state.auth import AuthState

MANAGERS_ONLY = "Only managers can manage users."


class UsersState(AuthState):
    users: rx.Field[list[UserRow]] = rx.field(default_factory=list)
    loading: rx.Field[bool] = rx.field(True)
    adding: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")
    form_key: rx.Field[int] = rx.field(0)

    async def _reload(self) -> None:
        self.users = await asyncio.to_thread(load_users)

    @rx.event
    async def on_load(self):
        self.error = self.message = ""
        user, refuse = await self.manager_or_refusal()
        if user is None:
            yield refuse
            return
        self.loading = True
        yield
        await self._reload()
        self.loading = False

    @rx.event
    async def add(self, form: dict[str, str]):
        self.error = self.message = ""
        user, refuse = await self.manager_or_refusal()
        if user is None:
            self.error = MANAGERS_ONLY
            yield refuse
            return
        self.adding = True
        yield
        try:
            email = await asyncio.to_thread(
                add_user,
                form.get("email") or "",
                form.get("password") or "",
                form.get("role") or "",
            )
        except ValueError as exc:
            self.error = str(exc)
        else:
            self.message = f"Added {email}. They can sign in now."
            self.form_key += 1
            await self._reload()
        finally:
            self.adding = False

    @rx.event
    async def set_active(self, user_id: int, active: bool):
        self.error = self.message = ""
        user, refuse = await self.manager_or_refusal()
        if user is None:
            self.error = MANAGERS_ONLY
            return refuse
        try:
            email = await asyncio.to_thread(set_active, user_id, active, acting_email=user.email)
        except ValueError as exc:
            self.error = str(exc)
            return None
        self.message = f"{email} can sign in again." if active else f"{email} is deactivated."
        await self._reload()
        return None


def _add_form() -> rx.Component:
    role_picker = rx.radio_group.root(
        rx.hstack(
            *[
                rx.el.label(
                    rx.hstack(
                        rx.radio_group.item(value=role), rx.text(role.capitalize(), size="2")
                    ),
                )
                for role in ROLES
            ],
            spacing="3",
            align="center",
            min_height="2rem",  # the height of the inputs beside it
        ),
        name="role",
        default_value=ROLES[0],
        aria_label="Role",
    )
    return add_form_section(
        "Add a user",
        UsersState,
        labelled(
            "Email",
            "user-email",
            rx.input(id="user-email", name="email", type="email", required=True),
        ),
        labelled(
            "Password",
            "user-password",
            rx.input(
                id="user-password",
                name="password",
                type="password",
                required=True,
                auto_complete="new-password",
                placeholder="8 characters or more",
            ),
        ),
        rx.vstack(rx.text("Role", size="1", weight="medium"), role_picker, spacing="1"),
        rx.button("Add user", type="submit", loading=UsersState.adding),
    )


def _row(user: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(user.email, weight="medium")),
        rx.table.cell(rx.badge(user.role, variant="soft")),
        rx.table.cell(
            rx.cond(
                user.active,
                rx.badge("active", color_scheme="green", variant="soft"),
                rx.badge("deactivated", color_scheme="gray", variant="soft"),
            )
        ),
        rx.table.cell(rx.text(user.created, size="2")),
        rx.table.cell(rx.text(user.last_sign_in, size="2")),
        rx.table.cell(
            rx.cond(
                user.active,
                rx.button(
                    "Deactivate",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=UsersState.set_active(user.id, False),
                ),
                rx.button(
                    "Activate",
                    size="1",
                    variant="soft",
                    on_click=UsersState.set_active(user.id, True),
                ),
            )
        ),
        class_name="cc-user",
    )


def users_page() -> rx.Component:
    headers = ("Email", "Role", "Status", "Created (UTC)", "Last sign-in (UTC)", "")
    return rx.vstack(
        page_header(
            "Users",
            "Who can sign in. Managers place and end calls and manage users; reps work leads.",
        ),
        _add_form(),
        rx.cond(
            UsersState.loading,
            skeleton_rows(4),
            rx.cond(
                UsersState.users.length() > 0,
                table_box(headers, rx.foreach(UsersState.users, _row)),
                empty_state("users", "No users yet", "Add one with the form above."),
            ),
        ),
        spacing="4",
        width="100%",
    )
