"""A stage for dialer tests: the core on a real port dialling through the fake Twilio REST
server, dialers started on the core's loop, and a robot that plays Twilio's status callbacks."""

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from callcenter.api import Core, build_core, create_api
from callcenter.campaigns.dialer import CampaignDialer, DialerTiming
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.live.hub import LiveHub
from callcenter.telephony.signature import sign
from tests.conftest import TEST_API_TOKEN
from tests.fakes.twilio_rest import FakeCall, FakeTwilio, fake_twilio_rest
from tests.support.app_server import RunningServer, serve_in_thread
from tests.support.servers import free_port

ACCOUNT_SID = "AC" + "2" * 32
AUTH_TOKEN = "campaign-test-auth-token-0123456789"
FAST = DialerTiming(tick_seconds=0.1, window_seconds=60.0, lease_ttl=timedelta(seconds=2))


@dataclass
class Stage:
    fake: FakeTwilio
    server: RunningServer
    parts: Core
    tasks: list[tuple[asyncio.AbstractEventLoop, "asyncio.Task[None]"]] = field(
        default_factory=list
    )

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.server.base_url,
            headers={"Authorization": f"Bearer {TEST_API_TOKEN}"},
            timeout=30,
        )

    def create(self, contacts: list[str], **settings: Any) -> int:
        body = {
            "name": "test",
            "contacts": [{"phone": p, "name": f"Contact {p[-4:]}"} for p in contacts],
        }
        with self.api() as api:
            response = api.post("/api/campaigns", json={**body, **settings})
            assert response.status_code == 201, response.text
            return int(response.json()["id"])

    def action(self, campaign_id: int, action: str) -> dict[str, Any]:
        with self.api() as api:
            response = api.post(f"/api/campaigns/{campaign_id}/{action}")
            assert response.status_code == 200, response.text
            return dict(response.json())

    def campaign(self, campaign_id: int) -> dict[str, Any]:
        with self.api() as api:
            return dict(api.get(f"/api/campaigns/{campaign_id}").json())

    def contacts(self, campaign_id: int) -> dict[str, dict[str, Any]]:
        with self.api() as api:
            items = api.get(f"/api/campaigns/{campaign_id}/contacts?limit=200").json()["items"]
        return {c["phone"]: c for c in items}

    def callback(self, call: FakeCall, status: str, answered_by: str | None = None) -> None:
        """Post a signed status callback for `call`, as Twilio would."""
        params = {
            "AccountSid": ACCOUNT_SID,
            "CallSid": call.sid,
            "CallStatus": status,
            "To": call.to,
        }
        if answered_by:
            params["AnsweredBy"] = answered_by
        url = self.parts.settings.public_base_url + "/api/call-status"
        headers = {"X-Twilio-Signature": sign(AUTH_TOKEN, url, params)}
        response = httpx.post(
            self.server.base_url + "/api/call-status", data=params, headers=headers
        )
        assert response.status_code == 204, response.text

    def start_dialer(
        self, timing: DialerTiming = FAST, *, own_loop: bool = False
    ) -> CampaignDialer:
        """A dialer on the core's loop, or (`own_loop`) with its own core parts on a loop of
        its own, as another instance of the app would be."""
        if not own_loop:
            assert self.server.loop is not None
            return self._start_on(self.server.loop, self.parts, timing)
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, daemon=True).start()
        return self._start_on(loop, build_core(self.parts.settings, hub=LiveHub()), timing)

    def dialer(self, parts: Core | None = None, timing: DialerTiming = FAST) -> CampaignDialer:
        parts = parts or self.parts
        return CampaignDialer(
            settings=parts.settings, outbound=parts.dialer, hub=parts.hub, timing=timing
        )

    def _start_on(
        self, loop: asyncio.AbstractEventLoop, parts: Core, timing: DialerTiming
    ) -> CampaignDialer:
        async def _start() -> tuple[CampaignDialer, "asyncio.Task[None]"]:
            dialer = self.dialer(parts, timing)
            return dialer, asyncio.create_task(dialer.run())

        dialer, task = asyncio.run_coroutine_threadsafe(_start(), loop).result(10)
        self.tasks.append((loop, task))
        return dialer

    def stop_dialers(self) -> None:
        for loop, task in self.tasks:

            async def _stop(t: "asyncio.Task[None]" = task) -> None:
                t.cancel()
                await asyncio.gather(t, return_exceptions=True)

            asyncio.run_coroutine_threadsafe(_stop(), loop).result(15)
        self.tasks.clear()


def wait_until(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    """Poll the database-backed state through the API (it has no event to wait on)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


Decide = Callable[[FakeCall, int], tuple[float, str, str | None]]


class Robot:
    """Plays Twilio's side: for each call created, after `delay` s, its final callback.
    `decide(call, nth dial of that number)` → (delay, final status, AnsweredBy or None)."""

    def __init__(self, stage: Stage, decide: Decide) -> None:
        self.stage = stage
        self.decide = decide
        self.ended: dict[str, float] = {}
        self.max_open = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._lock = threading.Lock()

    def __enter__(self) -> "Robot":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with self.stage.fake.created:
            self.stage.fake.created.notify_all()
        self._thread.join(10)

    def _run(self) -> None:
        seen: set[str] = set()
        per_number: dict[str, int] = {}
        while not self._stop.is_set():
            with self.stage.fake.created:
                self.stage.fake.created.wait(0.05)
                calls = list(self.stage.fake.calls.values())
            for call in calls:
                if call.sid in seen:
                    continue
                seen.add(call.sid)
                per_number[call.to] = per_number.get(call.to, 0) + 1
                with self._lock:
                    open_now = len(seen) - len(self.ended)
                    self.max_open = max(self.max_open, open_now)
                delay, status, answered_by = self.decide(call, per_number[call.to])
                timer = threading.Timer(delay, self._end, args=(call, status, answered_by))
                timer.daemon = True
                timer.start()

    def _end(self, call: FakeCall, status: str, answered_by: str | None) -> None:
        if answered_by:
            self.stage.callback(call, "in-progress", answered_by)
        self.stage.callback(call, status, answered_by)
        with self._lock:
            self.ended[call.sid] = time.monotonic()


@pytest.fixture
def stage(env: dict[str, str]) -> Iterator[Stage]:
    with fake_twilio_rest(ACCOUNT_SID, AUTH_TOKEN) as fake:
        port = free_port()
        env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
        env["TWILIO_ACCOUNT_SID"] = ACCOUNT_SID
        env["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN
        env["TWILIO_PHONE_NUMBER"] = "+14155550100"
        env["TWILIO_API_BASE_URL"] = fake.base_url
        env["MAX_CALLS_PER_NUMBER_PER_DAY"] = "20"
        settings = get_settings()
        upgrade_to_head(settings.database_url)
        parts = build_core(settings)
        with serve_in_thread(create_api(settings, parts), port=port) as server:
            running = Stage(fake=fake, server=server, parts=parts)
            try:
                yield running
            finally:
                fake.answering.set()
                running.stop_dialers()
