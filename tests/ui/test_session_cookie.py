"""The dashboard's session cookie: HttpOnly (page scripts never see it), SameSite=Lax, set and
cleared by the server; signing out ends the session everywhere."""

from typing import Any

import httpx
import pytest

from callcenter.ui.state.session_cookie import adopt_session_script, token_from_cookie_header
from tests.ui.conftest import MANAGER, RunningApp
from tests.ui.pages import open_tab, sign_in


def test_the_token_is_read_from_the_cookie_header() -> None:
    assert token_from_cookie_header("a=1; cc_session=tok-EN_123; b=2") == "tok-EN_123"
    assert token_from_cookie_header("a=1") == ""
    assert token_from_cookie_header(None) == ""


def test_scripts_quote_what_they_embed() -> None:
    script = adopt_session_script('to"ken', "/leads?q=</script>")
    assert '"to\\"ken"' in script and '"/leads?q=</script>"' in script


@pytest.mark.browser
@pytest.mark.slow
def test_signing_in_sets_an_httponly_cookie_and_signing_out_ends_the_session(
    browser: Any, app_server: RunningApp
) -> None:
    tab = open_tab(browser, app_server)
    sign_in(tab, *MANAGER, start="/leads")
    tab.wait_for_path(r"/leads/?$")
    [cookie] = [c for c in tab.page.context.cookies() if c["name"] == "cc_session"]
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # PUBLIC_BASE_URL is http here
    assert "cc_session" not in tab.page.evaluate("document.cookie")
    bearer = {"Authorization": f"Bearer {cookie['value']}"}
    assert httpx.get(f"{app_server.base_url}/api/calls", headers=bearer).status_code == 200

    tab.page.reload()  # a new event socket: still signed in
    tab.page.get_by_role("heading", name="Leads").wait_for()

    tab.page.get_by_role("button", name="Sign out").click()
    tab.wait_for_path(r"/login")
    assert not [c for c in tab.page.context.cookies() if c["name"] == "cc_session"]
    assert httpx.get(f"{app_server.base_url}/api/calls", headers=bearer).status_code == 401
    tab.goto("/leads")
    tab.wait_for_path(r"/login\?next=")
    assert tab.errors == []
