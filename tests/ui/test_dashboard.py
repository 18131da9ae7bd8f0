"""The dashboard in Chromium against the whole running app: sign-in, pages, roles, filters,
notes, and live updates reaching two browsers (with the commit → DOM latency measured)."""

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import MANAGER, RunningApp
from tests.ui.pages import (
    WATCH_TURNS,
    Tab,
    open_tab,
    report_latency,
    two_browsers_watch_live_turns,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_pages_redirect_to_login_and_sign_in_returns_there(
    browser: Any, app_server: RunningApp, screenshots: Path
):
    tab = open_tab(browser, app_server)
    tab.goto("/leads")
    tab.wait_for_path(r"/login\?next=")
    expect(tab.page.get_by_role("button", name="Sign in")).to_be_visible()
    tab.page.screenshot(path=screenshots / "login.png")
    tab.page.get_by_label("Email").fill(MANAGER[0])
    tab.page.get_by_label("Password").fill("wrong-password")
    tab.page.get_by_role("button", name="Sign in").click()
    expect(tab.page.get_by_role("alert")).to_contain_text("Wrong email or password")
    tab.page.get_by_label("Password").fill(MANAGER[1])
    tab.page.get_by_role("button", name="Sign in").click()
    tab.wait_for_path(r"/leads/?$")
    expect(tab.page.get_by_role("heading", name="Leads")).to_be_visible()
    assert tab.errors == []


def test_every_page_renders_without_console_errors(manager: Tab, screenshots: Path):
    page = manager.page
    for label, heading in (
        ("Dashboard", "Dashboard"),
        ("Calls", "Calls"),
        ("Leads", "Leads"),
        ("Live", "Live"),
        ("Do not call", "Do not call"),
        ("Users", "Users"),
    ):
        page.get_by_role("link", name=label, exact=True).first.click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    softphone = page.get_by_role("link", name="Call the agent", exact=True)
    if softphone.count():  # the browser softphone page is optional
        softphone.first.click()
        expect(page.get_by_role("heading", name="Call the agent")).to_be_visible()
    manager.goto("/")
    expect(page.get_by_text("Calls per day")).to_be_visible()
    expect(page.locator(".recharts-bar-rectangle").first).to_be_visible()
    page.screenshot(path=screenshots / "dashboard.png", full_page=True)
    manager.goto("/calls")
    expect(page.locator("tbody tr").first).to_be_visible()
    page.screenshot(path=screenshots / "calls.png", full_page=True)
    page.locator("tbody tr").first.get_by_role("link").click()
    manager.wait_for_path(r"/calls/\d+")
    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    page.screenshot(path=screenshots / "call-detail.png", full_page=True)
    manager.goto("/leads")
    expect(page.locator("tbody tr").first).to_be_visible()
    page.screenshot(path=screenshots / "leads.png", full_page=True)
    page.locator("tbody tr").first.get_by_role("link").click()
    manager.wait_for_path(r"/leads/\d+")
    expect(page.get_by_role("heading", name="Notes")).to_be_visible()
    page.screenshot(path=screenshots / "lead-detail.png", full_page=True)
    # A phone-width screen: the sidebar folds into a Menu button above the page.
    page.set_viewport_size({"width": 390, "height": 844})
    manager.goto("/")
    page.get_by_role("button", name="Open navigation").click()
    expect(page.get_by_role("menu").get_by_role("link", name="Live", exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_label("Phone number")).to_be_visible()
    page.screenshot(path=screenshots / "dashboard-phone.png", full_page=True)
    assert manager.errors == []


def test_rep_cannot_place_calls(rep: Tab):
    page = rep.page
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("rep", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Call", exact=True)).to_be_disabled()
    expect(page.get_by_text("Only managers can place calls.")).to_be_visible()
    assert rep.errors == []


def test_invalid_number_is_refused_with_an_alert(manager: Tab):
    page = manager.page
    field = page.get_by_label("Phone number")
    field.fill("+1 555")
    expect(page.get_by_text("'+1 555' is too short.")).to_be_visible()
    page.get_by_role("button", name="Call", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Invalid number")


def test_calls_filters_and_search_live_in_the_url(manager: Tab):
    page = manager.page
    manager.goto("/calls?direction=outbound")
    expect(page.locator("tbody tr").first).to_be_visible()
    directions = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert directions and set(directions) == {"outbound"}
    search = page.get_by_label("Search")
    search.fill("Maria Lopez")
    search.press("Enter")
    manager.wait_for_path(r"q=Maria")
    expect(page.locator("tbody tr").first).to_contain_text("+1 415-555-0142")
    assert "direction=outbound" in page.url
    page.locator("tbody tr").first.get_by_role("link").click()
    manager.wait_for_path(r"/calls/\d+")
    expect(page.get_by_text("Maria Lopez").first).to_be_visible()
    page.get_by_role("link", name="All calls").click()
    manager.goto("/calls?q=no-such-words-anywhere")
    expect(page.get_by_text("No calls match")).to_be_visible()
    assert manager.errors == []


def test_leads_search_and_add_a_note(manager: Tab):
    page = manager.page
    manager.goto("/leads")
    search = page.get_by_label("Search")
    search.fill("dental")
    search.press("Enter")
    manager.wait_for_path(r"/leads/?\?q=dental")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("James Carter")
    rows.first.get_by_role("link").click()
    manager.wait_for_path(r"/leads/\d+")
    text = f"Called back at {time.strftime('%H:%M:%S')}, wants a demo"
    page.get_by_label("Add a note").fill(text)
    page.get_by_role("button", name="Add note").click()
    note = page.locator(".cc-note").filter(has_text=text)
    expect(note).to_be_visible()
    expect(note).to_contain_text(MANAGER[0])
    page.reload()
    expect(page.locator(".cc-note").filter(has_text=text)).to_be_visible()
    assert manager.errors == []


def test_two_browsers_see_the_same_live_turns(
    browser: Any, app_server: RunningApp, screenshots: Path
):
    latencies = two_browsers_watch_live_turns(
        browser, app_server, screenshot=screenshots / "live.png"
    )
    p95 = report_latency("one process", latencies)
    assert p95 < 500, f"live updates too slow: p95 {p95:.0f} ms"


def test_a_call_placed_from_the_form_streams_live_then_keeps_its_transcript(manager: Tab):
    page = manager.page
    page.get_by_label("Phone number").fill("+1 415 555 0199")
    expect(page.get_by_text("Will dial +1 415-555-0199")).to_be_visible()
    page.get_by_role("button", name="Call", exact=True).click()
    watch = page.get_by_role("link", name="Watch it live")
    expect(watch).to_be_visible(timeout=15_000)
    call_id = (watch.get_attribute("href") or "").rsplit("=", 1)[-1]
    assert call_id.isdigit()
    watch.click()
    card = page.locator(f"#live-call-{call_id}")
    expect(card).to_contain_text("+1 415-555-0199")
    page.evaluate(WATCH_TURNS, f"#live-call-{call_id} .cc-turn-text")
    # The simulator answers, the local voice engine greets the callee, and the simulated
    # callee hangs up after a few seconds: the card then leaves the live view by itself.
    expect(card).to_have_count(0, timeout=60_000)
    seen = page.evaluate("() => Object.keys(window.__seen)")
    assert seen, "no transcript line reached the live view while the call was in progress"
    first_line = seen[0].split("|", 1)[1]
    manager.goto(f"/calls/{call_id}")
    expect(page.get_by_text(first_line).first).to_be_visible()
    expect(page.get_by_text("completed").first).to_be_visible()
    assert manager.errors == []
