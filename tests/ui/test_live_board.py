"""The Dashboard's numbers and the Calls list follow a call as it happens: no reload, no
polling (the page is never reloaded: a marker set on it at the start is still there)."""

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import MANAGER, RunningApp
from tests.ui.pages import Tab, open_tab, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CALLEE = "+14155550177"
SHOWN = "+1 415-555-0177"
MARK = "() => { window.__notReloaded = true; }"
STILL_THERE = "() => window.__notReloaded === true"


def _tile(tab: Tab, label: str):  # noqa: ANN202 - a Playwright locator
    return tab.page.locator(".cc-tile").filter(has_text=label).locator(".cc-tile-value")


def test_tiles_and_the_calls_list_change_during_a_call_without_reload(
    manager: Tab, browser: object, app_server: RunningApp
) -> None:
    calls = open_tab(browser, app_server)
    sign_in(calls, *MANAGER, start="/calls")
    expect(calls.page.locator("tbody tr").first).to_be_visible()
    expect(_tile(manager, "Active now")).to_have_text("0")
    before = int(_tile(manager, "Calls").first.inner_text())
    for tab in (manager, calls):
        tab.page.evaluate(MARK)

    with app_server.api() as api:
        placed = api.post("/api/outbound-call", json={"to": CALLEE})
    assert placed.status_code == 201, placed.text

    # While the call is on: the Dashboard counts it and the Calls list shows it on top.
    expect(_tile(manager, "Active now")).to_have_text("1", timeout=20_000)
    expect(_tile(manager, "Calls").first).to_have_text(str(before + 1))
    top = calls.page.locator("tbody tr").first
    expect(top).to_contain_text(SHOWN, timeout=20_000)
    expect(top).to_contain_text("in-progress", timeout=30_000)
    # When it ends: the same row changes status in place, and nothing is active any more.
    expect(top).to_contain_text("completed", timeout=90_000)
    expect(top).to_contain_text(SHOWN)
    expect(_tile(manager, "Active now")).to_have_text("0", timeout=20_000)
    for tab in (manager, calls):
        assert tab.page.evaluate(STILL_THERE), "the page was reloaded"
    assert manager.errors == [] and calls.errors == []
