"""The Users and Do-not-call pages in Chromium against the whole running app: a manager adds a
rep who can then sign in, reps cannot reach user management, and a number put on the
do-not-call list is refused by the make-call form."""

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import MANAGER, RunningApp
from tests.ui.pages import Tab, open_tab, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_manager_adds_a_rep_who_can_sign_in_until_deactivated(
    manager: Tab, browser: Any, app_server: RunningApp, screenshots: Path
):
    page = manager.page
    page.get_by_role("link", name="Users", exact=True).first.click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    expect(page.locator(".cc-user").filter(has_text=MANAGER[0])).to_contain_text("manager")
    email = f"rep-{time.monotonic_ns()}@example.com"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 8 characters")
    page.get_by_label("Password").fill("new-rep-password-1")
    page.get_by_role("button", name="Add user").click()
    row = page.locator(".cc-user").filter(has_text=email)
    expect(row).to_contain_text("rep")
    expect(row).to_contain_text("never")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.screenshot(path=screenshots / "users.png", full_page=True)

    newcomer = open_tab(browser, app_server)
    sign_in(newcomer, email, "new-rep-password-1")
    expect(newcomer.page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(newcomer.page.get_by_text(email)).to_be_visible()

    page.reload()
    row = page.locator(".cc-user").filter(has_text=email)
    expect(row).not_to_contain_text("never")  # the last sign-in is shown
    row.get_by_role("button", name="Deactivate").click()
    expect(row).to_contain_text("deactivated")
    newcomer.goto("/leads")
    newcomer.wait_for_path(r"/login")  # the deactivated rep's session no longer works
    assert manager.errors == [] and newcomer.errors == []
    newcomer.page.context.close()


def test_a_manager_cannot_deactivate_themselves(manager: Tab):
    page = manager.page
    manager.goto("/users")
    row = page.locator(".cc-user").filter(has_text=MANAGER[0])
    row.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot deactivate your own account")
    expect(row).not_to_contain_text("deactivated")
    assert manager.errors == []


def test_a_rep_neither_sees_nor_opens_users(rep: Tab):
    page = rep.page
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="Do not call", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="Users", exact=True)).to_have_count(0)
    rep.goto("/users")
    rep.wait_for_path(r"/$")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_have_count(0)
    assert rep.errors == []


def test_a_listed_number_is_refused_by_the_make_call_form(manager: Tab, screenshots: Path):
    page = manager.page
    page.get_by_role("link", name="Do not call", exact=True).first.click()
    expect(page.get_by_role("heading", name="Do not call", exact=True)).to_be_visible()
    page.get_by_label("Number", exact=True).fill("+1 555")
    page.get_by_role("button", name="Add to list").click()
    expect(page.get_by_role("alert")).to_contain_text("Invalid number")
    page.get_by_label("Number", exact=True).fill("(415) 555-0188")
    page.get_by_label("Reason (optional)").fill("Asked us to stop calling")
    page.get_by_role("button", name="Add to list").click()
    row = page.locator("tbody tr").filter(has_text="+1 415-555-0188")
    expect(row).to_contain_text("Asked us to stop calling")
    expect(row).to_contain_text("dashboard")
    page.screenshot(path=screenshots / "do-not-call.png", full_page=True)

    manager.goto("/")
    page.get_by_label("Phone number").fill("+1 415 555 0188")
    expect(page.get_by_text("Will dial +1 415-555-0188")).to_be_visible()
    page.get_by_role("button", name="Call", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Call refused")
    expect(alert).to_contain_text("do-not-call list")
    expect(page.get_by_role("link", name="Watch it live")).to_have_count(0)

    manager.goto("/do-not-call?q=4155550188")
    row = page.locator("tbody tr").filter(has_text="+1 415-555-0188")
    row.get_by_role("button", name="Remove").click()
    expect(row).to_have_count(0)
    assert manager.errors == []


def test_a_rep_adds_numbers_but_cannot_remove_them(rep: Tab):
    page = rep.page
    rep.goto("/do-not-call")
    page.get_by_label("Number", exact=True).fill("+1 312 555 0177")
    page.get_by_role("button", name="Add to list").click()
    row = page.locator("tbody tr").filter(has_text="+1 312-555-0177")
    expect(row).to_be_visible()
    expect(row.get_by_role("button", name="Remove")).to_be_disabled()
    assert rep.errors == []
