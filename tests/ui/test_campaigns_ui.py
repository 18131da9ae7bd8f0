"""The Campaigns pages in Chromium against the whole running app: a manager creates a
campaign, previews a CSV (refused lines shown before anything is stored), adds it, starts it
and watches it complete without reloading; a rep sees the campaign but no controls."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import RunningApp
from tests.ui.pages import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CSV = (
    b"\xef\xbb\xbfphone,name,company\n"
    b"+14155550181,Ada Byron,Engines\nnot-a-number,Bob,\n+14155550182,Carl,\n"
)


def test_manager_uploads_previews_starts_and_watches_a_campaign(
    manager: Tab, rep: Tab, app_server: RunningApp, screenshots: Path
) -> None:
    page: Any = manager.page
    page.get_by_role("link", name="Campaigns", exact=True).first.click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    page.get_by_label("Name").fill("Spring dentists")
    page.get_by_label("Calls at once").fill("2")
    page.get_by_role("button", name="Create").click()
    manager.wait_for_path(r"/campaigns/\d+/?$")
    expect(page.get_by_role("heading", name="Spring dentists")).to_be_visible()

    page.locator("input[type=file]").set_input_files(
        files=[{"name": "contacts.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("2 contacts ready, 1 refused")).to_be_visible()
    expect(page.get_by_role("cell", name="not-a-number", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Ada Byron", exact=True)).to_be_visible()
    expect(page.get_by_text("No contacts yet")).to_be_visible()  # nothing stored by a preview
    page.get_by_role("button", name="Add these contacts").click()
    expect(page.get_by_text("Added 2 contacts")).to_be_visible()
    expect(page.get_by_role("cell", name="Carl", exact=True)).to_be_visible()

    rep.goto(manager.page.url.removeprefix(app_server.base_url))
    expect(rep.page.get_by_role("heading", name="Spring dentists")).to_be_visible()
    expect(rep.page.get_by_role("button", name="Start")).to_have_count(0)

    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.screenshot(path=screenshots / "campaign.png", full_page=True)
    # Pushed to both browsers as the calls end; nobody reloads.
    expect(page.get_by_text("completed", exact=True).first).to_be_visible(timeout=90_000)
    expect(rep.page.get_by_text("completed", exact=True).first).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Refresh").click()
    expect(page.get_by_role("cell", name="done", exact=True)).to_have_count(2)

    page.get_by_role("link", name="Campaigns", exact=True).first.click()
    expect(page.get_by_role("link", name="Spring dentists")).to_be_visible()
    page.screenshot(path=screenshots / "campaigns.png", full_page=True)
    assert manager.errors == [] and rep.errors == []
