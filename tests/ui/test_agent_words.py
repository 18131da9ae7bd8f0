"""Live shows the agent's words while the agent speaks, as the caller hears them: each word
appears once its audio has played (the marks), within 250 ms at p95."""

import statistics

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import RunningApp
from tests.ui.pages import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CALLEE = "+14155550166"
P95_LIMIT_MS = 250.0
# Every change of the "being heard" line: its words, when they had been played, when shown.
WATCH_HEARING = """() => {
  window.__heard = [];
  const record = () => {
    for (const el of document.querySelectorAll('.cc-hearing')) {
      const text = (el.querySelector('.cc-turn-text') || el).textContent;
      const last = window.__heard[window.__heard.length - 1];
      if (text && (!last || last.text !== text)) {
        window.__heard.push({text, heard: parseFloat(el.getAttribute('data-heard-ms') || '0'),
                             shown: performance.timeOrigin + performance.now()});
      }
    }
  };
  new MutationObserver(record).observe(document.body, {childList: true, subtree: true,
                                                        characterData: true, attributes: true});
}"""


def test_agent_words_appear_while_the_agent_speaks(manager: Tab, app_server: RunningApp) -> None:
    page = manager.page
    manager.goto("/live")
    expect(page.get_by_role("heading", name="Live", exact=True)).to_be_visible()
    page.evaluate(WATCH_HEARING)
    with app_server.api() as api:
        placed = api.post("/api/outbound-call", json={"to": CALLEE})
    assert placed.status_code == 201, placed.text
    card = page.locator(f"#live-call-{placed.json()['id']}")
    expect(card).to_be_visible(timeout=20_000)
    expect(card).to_have_count(0, timeout=90_000)  # the simulated callee hangs up
    seen = page.evaluate("() => window.__heard")

    # The greeting grew word by word on screen, each step a longer start of the same words.
    greeting = [s for s in seen if s["text"].startswith(seen[0]["text"])] if seen else []
    assert len(greeting) >= 3, seen
    texts = [s["text"] for s in greeting]
    for shorter, longer in zip(texts, texts[1:], strict=False):
        assert longer.startswith(shorter) and len(longer) > len(shorter), texts
    latencies = sorted(s["shown"] - s["heard"] for s in seen if s["heard"] > 0)
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(  # noqa: T201
        f"\nagent words heard → shown on Live, {len(latencies)} updates: "
        f"median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, "
        f"max {latencies[-1]:.0f} ms"
    )
    assert p95 < P95_LIMIT_MS
    assert manager.errors == []
