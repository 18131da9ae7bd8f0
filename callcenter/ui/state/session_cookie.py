"""The dashboard's session cookie is HttpOnly, so page scripts never read it: the server sets
and clears it (`/api/auth/session`, `/api/auth/logout`), and the backend reads it from the
event socket's handshake headers."""

import json
from http.cookies import CookieError, SimpleCookie

from callcenter.accounts.service import SESSION_COOKIE


def token_from_cookie_header(header: str | None) -> str:
    """The session token in a `Cookie:` request header, or ""."""
    if not header:
        return ""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return ""
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else ""


def backend_origin() -> str:
    """Where the page reaches our routes: its own origin in production (one port serves
    everything), the backend's URL under the development server (pages on another port)."""
    from reflex_base.config import get_config
    from reflex_base.constants import Env
    from reflex_base.environment import environment

    if environment.REFLEX_ENV_MODE.get() == Env.PROD:
        return ""
    return get_config().api_url.rstrip("/")


def _call_backend(path: str, token: str) -> str:
    return (
        f"fetch({json.dumps(backend_origin() + path)}, "
        "{method: 'POST', credentials: 'include', "
        f"headers: {{Authorization: 'Bearer ' + {json.dumps(token)}}}}})"
    )


def adopt_session_script(token: str, next_path: str) -> str:
    """Have the server set the HttpOnly cookie for a new session, then load `next_path`
    afresh (a new event socket, which carries the cookie)."""
    return (
        _call_backend("/api/auth/session", token)
        + ".then((r) => { if (!r.ok) throw new Error(r.status); "
        + f"window.location.replace({json.dumps(next_path)}); }})"
        + ".catch(() => window.location.replace('/login'));"
    )


def forget_session_script(token: str) -> str:
    """End the session on the server, clear the cookie, and go to the sign-in page."""
    return (
        _call_backend("/api/auth/logout", token)
        + ".finally(() => window.location.replace('/login'));"
    )
