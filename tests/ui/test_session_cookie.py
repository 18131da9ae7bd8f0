"""The dashboard's session cookie: SameSite=Lax, and Secure whenever the site is https."""

from callcenter.config import get_settings


def test_secure_follows_public_base_url_and_same_site_is_lax(env: dict[str, str]) -> None:
    from callcenter.ui.state.auth import session_cookie

    env["PUBLIC_BASE_URL"] = "https://calls.example.com"
    cookie = session_cookie(get_settings())
    assert (cookie.name, cookie.secure, cookie.same_site, cookie.path) == (
        "cc_session",
        True,
        "lax",
        "/",
    )
    env["PUBLIC_BASE_URL"] = "http://localhost:3000"
    assert session_cookie(get_settings()).secure is False


def test_the_dashboard_state_uses_that_cookie() -> None:
    from callcenter.ui.state.auth import AuthState

    field = AuthState.get_fields()["session_token"]
    assert field.default.same_site == "lax"
    assert field.default.name == "cc_session"
