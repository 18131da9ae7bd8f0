"""`/login`: email + password, rate-limited and checked by the accounts service."""

import asyncio
from urllib.parse import unquote

import reflex as rx

from callcenter.accounts import service as accounts
from callcenter.config import get_settings
from callcenter.db.session import session_scope
from callcenter.ui.components.common import error_alert
from callcenter.ui.state.auth import AuthState
from callcenter.ui.state.session_cookie import adopt_session_script


def _sign_in(email: str, password: str) -> accounts.SignedIn | accounts.LoginError:
    """Sign in; a refusal is returned, not raised, so the failed attempt is committed and
    counts towards the rate limit."""
    with session_scope() as session:
        try:
            return accounts.sign_in(
                session=session,
                email=email,
                password=password,
                ttl_hours=get_settings().session_ttl_hours,
            )
        except accounts.LoginError as exc:
            return exc


def _safe_next(value: str) -> str:
    target = unquote(value or "/")
    # Only same-site paths: never send someone to another origin after signing in.
    if not target.startswith("/") or target.startswith("//") or target.startswith("/login"):
        return "/"
    return target


class LoginState(AuthState):
    error: rx.Field[str] = rx.field("")
    busy: rx.Field[bool] = rx.field(False)

    @rx.event
    async def on_load(self):
        self.error = ""
        self.busy = False
        if await self.current_user() is not None:
            return rx.redirect(_safe_next(self.router.url.query_parameters.get("next", "/")))

    @rx.event
    async def submit(self, form: dict[str, str]):
        self.busy = True
        self.error = ""
        yield
        email = (form.get("email") or "").strip()
        password = form.get("password") or ""
        signed = await asyncio.to_thread(_sign_in, email, password)
        if isinstance(signed, accounts.LoginError):
            self.error = str(signed)
            self.busy = False
            return
        self.user_email, self.user_role = signed.email, signed.role.value
        next_path = _safe_next(self.router.url.query_parameters.get("next", "/"))
        yield rx.call_script(adopt_session_script(signed.token, next_path))


def _field(label: str, name: str, kind: str, autocomplete: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, font_weight="500", font_size="0.9rem"),
        rx.input(
            id=name,
            name=name,
            type=kind,
            required=True,
            auto_complete=autocomplete,
            size="3",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.icon("phone-call", size=28, color=rx.color("accent", 10)),
                        rx.heading("Callcenter", size="6"),
                        align="center",
                        spacing="2",
                    ),
                    rx.text("Sign in to watch live calls and work your leads.", size="2"),
                    _field("Email", "email", "email", "username"),
                    _field("Password", "password", "password", "current-password"),
                    error_alert(LoginState.error),
                    rx.button(
                        "Sign in",
                        type="submit",
                        size="3",
                        width="100%",
                        loading=LoginState.busy,
                    ),
                    spacing="4",
                    width="100%",
                ),
                on_submit=LoginState.submit,
                reset_on_submit=False,
            ),
            width="100%",
            max_width="24rem",
            padding="2rem",
        ),
        min_height="100vh",
        padding="1rem",
        background=rx.color("gray", 2),
    )
