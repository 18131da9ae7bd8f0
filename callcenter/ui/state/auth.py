"""Who is signed in: the session cookie (HttpOnly, read from the event socket's handshake),
the user behind it, and role checks for handlers."""

import asyncio
from dataclasses import dataclass
from urllib.parse import quote

import reflex as rx
from reflex_base.event import EventSpec

from callcenter.accounts import service as accounts
from callcenter.config import get_settings
from callcenter.db.models import Role
from callcenter.db.session import session_scope
from callcenter.ui.state.session_cookie import forget_session_script, token_from_cookie_header


@dataclass(frozen=True, slots=True)
class CurrentUser:
    email: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role == Role.manager


def _lookup(token: str) -> CurrentUser | None:
    with session_scope() as session:
        user = accounts.user_for_session(session=session, token=token)
        return CurrentUser(email=user.email, role=user.role) if user else None


def _sign_out(token: str) -> None:
    with session_scope() as session:
        accounts.sign_out(session=session, token=token)


class AuthState(rx.State):
    """The base of every page state: page loads and privileged actions re-check the session."""

    user_email: rx.Field[str] = rx.field("")
    user_role: rx.Field[str] = rx.field("")

    @rx.var
    def is_manager(self) -> bool:
        return self.user_role == Role.manager.value

    @rx.var
    def service_modes(self) -> str:
        modes = get_settings().service_modes()
        return " · ".join(f"{name}: {mode}" for name, mode in modes.items())

    @rx.var
    def signature_warning(self) -> bool:
        settings = get_settings()
        return settings.twilio_enabled and not settings.signature_checks_enabled

    @property
    def session_token(self) -> str:
        """The session token in the cookie this browser sent when its event socket opened."""
        return token_from_cookie_header(self.router.headers.cookie)

    async def current_user(self) -> CurrentUser | None:
        """The user behind the session cookie right now (None if signed out or expired)."""
        if not self.session_token:
            return None
        user = await asyncio.to_thread(_lookup, self.session_token)
        if user is None:
            self.user_email, self.user_role = "", ""
        else:
            self.user_email, self.user_role = user.email, user.role.value
        return user

    def login_redirect(self) -> EventSpec:
        path = self.router.url.path or "/"
        query = self.router.url.query
        target = f"{path}?{query}" if query else path
        return rx.redirect(f"/login?next={quote(target, safe='')}")

    async def manager_or_refusal(self) -> tuple[CurrentUser | None, EventSpec | None]:
        """The signed-in manager, or the redirect that sends anyone else away (to sign in, or
        home for a rep)."""
        user = await self.current_user()
        if user is None:
            return None, self.login_redirect()
        if not user.is_manager:
            return None, rx.redirect("/")
        return user, None

    @rx.event
    async def require_login(self):
        """on_load guard for pages that need nothing more than a signed-in user."""
        if await self.current_user() is None:
            return self.login_redirect()

    @rx.event
    async def sign_out(self):
        token = self.session_token
        self.user_email, self.user_role = "", ""
        if not token:
            return rx.redirect("/login")
        await asyncio.to_thread(_sign_out, token)
        return rx.call_script(forget_session_script(token))
