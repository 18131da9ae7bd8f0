"""Browser helpers: signed-in tabs that record console errors, and live-update timing."""

import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

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


# Records, in the page, when each transcript line matching `selector` first shows up.
WATCH_TURNS = """(selector) => {
  window.__seen = {};
  const record = () => {
    for (const el of document.querySelectorAll(selector)) {
      const card = el.closest('.cc-live-card');
      const t = (card ? card.id + '|' : '') + el.textContent;
      if (!(t in window.__seen)) window.__seen[t] = performance.timeOrigin + performance.now();
    }
  };
  new MutationObserver(record).observe(document.body, {childList: true, subtree: true,
                                                        characterData: true});
  record();
}"""


DIALOG = [
    ("agent", "Hi, thanks for calling Callcenter! This is Ava. Who am I speaking with?"),
    ("caller", "Hi Ava, this is Maria Lopez from Lopez Plumbing."),
    ("agent", "Nice to meet you, Maria. What can we help your business with?"),
    ("caller", "We miss a lot of emergency calls after hours."),
    ("agent", "I see. How many calls do you get on a typical evening?"),
    ("caller", "Maybe ten or fifteen, more in winter."),
    ("agent", "Got it. What's the best email to send you our plans?"),
    ("caller", "maria@lopezplumbing.com"),
    ("agent", "Thanks! And is this number the best one to reach you?"),
    ("caller", "Yes, this one is fine."),
    ("agent", "Would a short demo call this week work for you?"),
    ("caller", "Thursday afternoon would be good."),
    ("agent", "Perfect, I'll pencil in Thursday at two."),
    ("caller", "Sounds good. Do you handle Spanish-speaking callers too?"),
    ("agent", "Yes, the agent can answer in Spanish as well."),
    ("caller", "Great, that matters for us."),
    ("agent", "I'll note that. Anything else I should pass on to the team?"),
    ("caller", "No, that's everything."),
    ("agent", "Thanks Maria, you'll get an email with the details shortly."),
    ("caller", "Thank you, bye!"),
]


def two_browsers_watch_live_turns(
    browser: Any, app: RunningApp, *, turns: int = 20, screenshot: Path | None = None
) -> list[float]:
    """Two signed-in browsers on /live; commit `turns` transcript lines through the core and
    return, for each line and browser, milliseconds from database commit to the DOM."""
    from tests.ui.conftest import MANAGER

    tabs = [open_tab(browser, app), open_tab(browser, app)]
    for tab in tabs:
        sign_in(tab, *MANAGER, start="/live")
        expect(tab.page.get_by_role("heading", name="Live", exact=True)).to_be_visible()
        tab.page.evaluate(WATCH_TURNS, ".cc-turn-text")
    latencies: list[float] = []
    call_id = None
    number = f"+1555{time.monotonic_ns() % 10_000_000:07d}"  # a card of this run only
    with app.api() as api:
        for i in range(turns):
            role, text = DIALOG[i % len(DIALOG)]
            body: dict[str, Any] = {"text": text, "role": role, "from_number": number}
            if call_id is not None:
                body["call_id"] = call_id
            reply = api.post("/api/test/live-turn", json=body)
            assert reply.status_code == 200, reply.text
            call_id = reply.json()["call_id"]
            committed = reply.json()["committed_ms"]
            key = f"live-call-{call_id}|{text}"
            for tab in tabs:
                card = tab.page.locator(f"#live-call-{call_id}")
                expect(card.locator(".cc-turn-text", has_text=text)).to_be_visible()
                latencies.append(tab.page.evaluate("k => window.__seen[k]", key) - committed)
    for tab in tabs:
        card = tab.page.locator(f"#live-call-{call_id}")
        expect(card).to_contain_text(number[-4:])
        expect(card.locator(".cc-elapsed")).to_have_text(re.compile(r"\d+:\d\d"))
        assert tab.errors == []
    if screenshot is not None:
        tabs[0].page.screenshot(path=screenshot, full_page=True)
    for tab in tabs:
        tab.page.context.close()
    return latencies


def report_latency(label: str, latencies: list[float]) -> float:
    """Print median / p95 / max and return the p95."""
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"\nlive turn commit → DOM, {label}, {len(ordered)} updates in 2 browsers: "
        f"median {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms"
    )
    return p95
