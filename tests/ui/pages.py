"""Browser helpers: a signed-in page that records console errors."""

import re
from dataclasses import dataclass, field
from typing import Any

from tests.ui.conftest import RunningApp

# Messages Chromium logs that say nothing about the app (none expected so far).
_IGNORED: tuple[str, ...] = ()


@dataclass
class Tab:
    page: Any
    base_url: str
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def wait_for_path(self, pattern: str, timeout: float = 20_000) -> None:
        self.page.wait_for_url(re.compile(pattern), timeout=timeout)


def open_tab(browser: Any, app: RunningApp, *, width: int = 1400, height: int = 900) -> Tab:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    tab = Tab(page=page, base_url=app.base_url)

    def _console(message: Any) -> None:
        if message.type == "error" and not any(i in message.text for i in _IGNORED):
            tab.errors.append(message.text)

    page.on("console", _console)
    page.on("pageerror", lambda exc: tab.errors.append(f"page error: {exc}"))
    return tab


def sign_in(tab: Tab, email: str, password: str, *, start: str = "/") -> None:
    tab.goto(start)
    tab.wait_for_path(r"/login")
    tab.page.get_by_label("Email").fill(email)
    tab.page.get_by_label("Password").fill(password)
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_url(lambda url: "/login" not in url, timeout=20_000)
