"""After a call, in Chromium against the whole running app: a manager registers a webhook
endpoint on the Webhooks page (the secret shown once), places a call from the Dashboard, and
within 20 s of hang-up the call's page shows its summary, outcome and a playable recording
(a click on a turn seeks to it), and the endpoint receives `call.completed`, signed."""

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from callcenter.config import Settings
from callcenter.sim.carrier import SimulatorCarrier
from callcenter.sim.personas import PERSONAS, PersonaCaller
from tests.fakes.webhook_receiver import WebhookReceiver, webhook_receiver
from tests.ui.conftest import RunningApp
from tests.ui.pages import Tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAYER_READY = "() => { const a = document.getElementById('call-recording'); return a && a.readyState >= 1 ? a.duration : 0; }"  # noqa: E501
PLAYER_AT = "() => document.getElementById('call-recording').currentTime"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as fake:
        yield fake


async def persona_call(base_url: str) -> str:
    settings = Settings(public_base_url=base_url, carrier="simulator")
    caller = PersonaCaller(PERSONAS["dana"])
    carrier = SimulatorCarrier(settings)
    call = await carrier.place_inbound_call(from_=caller.persona.phone, caller=caller)
    await call.wait(180)
    return call.call_sid


def completed_event(
    receiver: WebhookReceiver, call_sid: str, within: float
) -> dict[str, Any] | None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for accepted in list(receiver.accepted):
            body = accepted["body"]
            if body["type"] == "call.completed" and body["data"]["call_sid"] == call_sid:
                return dict(body)
        receiver.wait_for(len(receiver.accepted) + 1, timeout=max(0.0, deadline - time.monotonic()))
    return None


def test_a_call_gets_its_summary_recording_and_signed_webhook(
    manager: Tab, receiver: WebhookReceiver, app_server: RunningApp, screenshots: Path
) -> None:
    page = manager.page
    page.get_by_role("link", name="Webhooks", exact=True).first.click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.locator(".cc-webhook-secret")
    expect(secret).to_contain_text("whsec_")
    receiver.secret = secret.inner_text().strip()
    expect(page.locator(".cc-webhook").filter(has_text=receiver.url)).to_contain_text(
        "call.completed"
    )

    # Dana calls in through the simulated carrier and talks to the agent until it hangs up.
    with ThreadPoolExecutor(1) as pool:
        call_sid = pool.submit(asyncio.run, persona_call(app_server.base_url)).result(200)
    event = completed_event(receiver, call_sid, within=60)
    assert event is not None, "no call.completed reached the endpoint"
    hung_up_at = time.monotonic()
    assert receiver.bad_signatures == 0
    assert event["data"]["outcome"] and event["data"]["recording_url"]
    call_id = event["data"]["id"]

    manager.goto(f"/calls/{call_id}")
    # The summary is what the caller said (none when the recogniser heard nothing).
    summary = event["data"]["summary"] or "No summary: the caller said nothing."
    expect(page.locator(".cc-call-summary")).to_have_text(summary)
    expect(page.get_by_text(event["data"]["outcome"].replace("_", " ")).first).to_be_visible()
    page.wait_for_function(PLAYER_READY, timeout=20_000)
    assert time.monotonic() - hung_up_at < 20
    duration = page.evaluate(PLAYER_READY)
    assert duration > 1
    turns = page.locator(".cc-turn-text")
    expect(turns.first).to_be_visible()
    turns.last.click()  # the last turn starts well into the recording
    page.wait_for_function(f"() => ({PLAYER_AT})() > 0.5")
    page.screenshot(path=screenshots / "call-detail-after-call.png", full_page=True)

    manager.goto("/calls?outcome=" + event["data"]["outcome"])
    expect(page.locator("tbody tr").first).to_contain_text(
        event["data"]["outcome"].replace("_", " ")
    )
    manager.goto("/webhooks")
    expect(page.locator(".cc-delivery").filter(has_text="call.completed")).to_contain_text(
        "delivered"
    )
    page.screenshot(path=screenshots / "webhooks.png", full_page=True)
    assert manager.errors == []


def test_a_rep_neither_sees_nor_opens_webhooks(rep: Tab) -> None:
    page = rep.page
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="Webhooks", exact=True)).to_have_count(0)
    rep.goto("/webhooks")
    rep.wait_for_path(r"/$")
    assert rep.errors == []
