"""Layout a user would notice: a very long name keeps its page in shape, and on a phone the
navigation is a menu while tables scroll sideways instead of squeezing."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import MANAGER, RunningApp
from tests.ui.pages import Tab, open_tab, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_NAME = ("Wolfeschlegelsteinhausenbergerdorff" * 9)[:300]  # no space to wrap at
PAGE_WIDTH = "document.documentElement.scrollWidth"
SCROLLS_IN_A_BOX = """el => {
  for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
    if (box.scrollWidth > box.clientWidth + 1) return true;
  }
  return false;
}"""


def _first_lead(app: RunningApp) -> tuple[int, str]:
    with app.api() as api:
        leads = api.get("/api/leads", params={"limit": 1}).json()
    items = leads["items"] if isinstance(leads, dict) else leads
    return int(items[0]["id"]), str(items[0]["name"])


def _rename(app: RunningApp, lead_id: int, name: str) -> None:
    with app.api() as api:
        api.patch(f"/api/leads/{lead_id}", json={"name": name}).raise_for_status()


def test_a_300_character_name_keeps_the_lead_page_and_leads_table_in_shape(
    manager: Tab, app_server: RunningApp, screenshots: Path
) -> None:
    lead_id, name_before = _first_lead(app_server)
    try:
        _check_long_name(manager, lead_id, screenshots)
    finally:
        _rename(app_server, lead_id, name_before)  # other tests search the demo leads by name


def _check_long_name(manager: Tab, lead_id: int, screenshots: Path) -> None:
    page = manager.page
    width = page.viewport_size["width"]
    manager.goto(f"/leads/{lead_id}")
    name = page.get_by_label("Name", exact=True)
    expect(name).to_be_visible()
    name.fill(LONG_NAME)
    kept = name.input_value()
    assert len(kept) == 200  # the field takes what the column holds, nothing is cut later
    counter = page.locator(".cc-count").first
    expect(counter).to_have_text("200 / 200")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=kept[:40])).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= width  # the title wraps instead of widening the page
    page.screenshot(path=screenshots / "lead-long-name.png", full_page=True)

    manager.goto("/leads?q=" + kept[:30])
    link = page.locator("tbody tr").first.get_by_role("link")
    expect(link).to_have_attribute("title", kept)  # the whole name on hover
    box = link.bounding_box()
    assert box is not None and box["width"] <= 16 * 16 + 1  # cut with an ellipsis
    assert page.evaluate(PAGE_WIDTH) <= width
    assert manager.errors == []


def test_on_a_phone_the_navigation_is_a_menu_and_tables_scroll_sideways(
    browser: object, app_server: RunningApp, screenshots: Path
) -> None:
    tab = open_tab(browser, app_server, width=390, height=844)
    sign_in(tab, *MANAGER)
    page = tab.page
    menu_button = page.get_by_role("button", name="Open navigation")
    expect(menu_button).to_be_visible()
    for label in ("Dashboard", "Calls", "Leads", "Live"):  # the sidebar is folded away
        expect(page.get_by_role("link", name=label, exact=True)).to_be_hidden()
    assert page.evaluate(PAGE_WIDTH) <= 390
    menu_button.click()
    menu = page.get_by_role("menu")
    for label in ("Dashboard", "Calls", "Leads", "Live"):
        expect(menu.get_by_role("link", name=label, exact=True)).to_be_visible()
    page.screenshot(path=screenshots / "phone-menu.png")
    menu.get_by_role("link", name="Leads", exact=True).click()
    tab.wait_for_path(r"/leads")
    expect(page.locator("tbody tr").first).to_be_visible()
    assert page.locator("table").first.evaluate(SCROLLS_IN_A_BOX)  # the table scrolls in its box…
    assert page.evaluate(PAGE_WIDTH) <= 390  # …and the page itself does not
    page.screenshot(path=screenshots / "phone-leads.png", full_page=True)
    assert tab.errors == []
