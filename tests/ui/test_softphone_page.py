"""The softphone page during a call: the caller's own transcript, a moving microphone level, a
running timer, and no raw call id (Chromium's fake microphone is the caller)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, MANAGER, RunningApp
from tests.ui.pages import Tab, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FAKE_MICROPHONE = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",  # a beeping microphone
    "--autoplay-policy=no-user-gesture-required",
]
MAX_LEVEL = """() => new Promise((done) => {
  let best = 0;
  const meter = document.getElementById('softphone-level');
  const timer = setInterval(() => {
    best = Math.max(best, parseFloat(meter.getAttribute('aria-valuenow') || '0'));
  }, 20);
  setTimeout(() => { clearInterval(timer); done(best); }, 2000);
})"""


def test_a_browser_call_shows_its_transcript_level_and_timer(
    browser: object, app_server: RunningApp, screenshots: Path
) -> None:
    chromium = browser.browser_type.launch(  # type: ignore[attr-defined]
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *FAKE_MICROPHONE]
    )
    try:
        context = chromium.new_context(viewport={"width": 1200, "height": 900})
        tab = Tab(page=context.new_page(), base_url=app_server.base_url)
        tab.page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
        sign_in(tab, *MANAGER, start="/softphone")
        page = tab.page
        expect(page.get_by_role("heading", name="Call the agent")).to_be_visible()
        page.get_by_role("button", name="Call me in the browser").click()
        status = page.get_by_role("status")
        expect(status).to_contain_text("Connected", timeout=20_000)
        assert "CA" not in status.inner_text()  # no raw call id for the person calling
        transcript = page.locator("#softphone-transcript")
        expect(transcript).to_contain_text("Agent", timeout=30_000)  # the greeting, as heard
        expect(page.get_by_role("timer")).not_to_have_text("0:00", timeout=5_000)
        assert page.evaluate(MAX_LEVEL) > 0  # the beeps move the microphone level
        page.screenshot(path=screenshots / "softphone.png", full_page=True)
        page.get_by_role("button", name="Hang up").click()
        expect(status).to_contain_text("Call ended", timeout=20_000)
        expect(
            page.get_by_role("link", name="Open this call (transcript and lead)")
        ).to_be_visible()
        assert tab.errors == []
    finally:
        chromium.close()
