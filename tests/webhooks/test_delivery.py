"""Signed webhook delivery to a real HTTP receiver that verifies every request with the
`standardwebhooks` package: retries keep the `webhook-id`, every event arrives exactly once and
in order, a restart between attempts loses nothing, a rejecting endpoint stops after 3 tries."""

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from callcenter.calls import records as call_records
from callcenter.calls.after_call import AfterCall
from callcenter.calls.completed import AnnounceCompleted
from callcenter.config import Settings
from callcenter.db.models import EndReason
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.leads.capture import save_lead_details
from callcenter.leads.finalize import LeadFinalizer
from callcenter.leads.service import update_lead
from callcenter.live.hub import LiveHub
from callcenter.webhooks.delivery import DeliveryPolicy
from callcenter.webhooks.worker import run_webhook_worker
from tests.conftest import TEST_API_TOKEN
from tests.fakes.webhook_receiver import WebhookReceiver, webhook_receiver

# Short delays and a short lease (longer than the timeout): a worker killed mid-attempt leaves
# a claim the next worker takes over within 1.5 s.
FAST = DeliveryPolicy(base_delay=0.05, max_delay=0.5, jitter=0.0, timeout=1.0, lease_seconds=1.5)
ALL_EVENTS = ["call.started", "call.completed", "lead.created", "lead.updated"]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as fake:
        yield fake


@pytest.fixture
def api_client(db: Settings) -> Iterator[TestClient]:
    from callcenter.api import create_api

    headers = {"Authorization": f"Bearer {TEST_API_TOKEN}"}
    with TestClient(create_api(db), headers=headers) as client:
        yield client


def register(client: TestClient, receiver: WebhookReceiver, events: list[str]) -> int:
    response = client.post("/api/webhooks", json={"url": receiver.url, "events": events})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["secret"].startswith("whsec_")
    receiver.secret = body["secret"]
    listed = client.get("/api/webhooks").json()["items"]
    assert [e["id"] for e in listed] == [body["id"]]
    assert "secret" not in listed[0]
    return int(body["id"])


async def a_whole_call(settings: Settings) -> int:
    """An inbound call through the app's own steps: answered, a lead captured by the agent's
    tool, edited by a rep, hung up, then the after-call steps (lead and review, then
    `call.completed`), as the app wires them."""
    update = call_records.record_inbound(
        call_sid="CA" + "7" * 32, from_number="+14155550134", to_number="+14155550100"
    )
    call_id = update.call.id
    assert call_id is not None
    call_records.record_stream_start(call_id=call_id, call_sid="CA" + "7" * 32, stream_sid="MZ1")
    with session_scope() as session:
        for n, text in enumerate(["Hi, I'm Dana Reyes.", "We need a booking system, thanks!"]):
            transcripts_repo.add_turn(
                session=session,
                call_id=call_id,
                turn_key=f"c{n}",
                role="caller",
                text=text,
                started_at=utcnow(),
            )
        outcome = save_lead_details(
            session=session,
            call_id=call_id,
            arguments={"name": "Dana Reyes", "email": "dana@reyesplumbing.com"},
        )
    assert outcome.lead_id is not None
    with session_scope() as session:
        update_lead(
            session=session,
            lead_id=outcome.lead_id,
            changes={"need": "a booking system"},
            author="rep",
        )
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        assert call is not None
        ending = call_records.Ending(EndReason.caller_hung_up)
        call_records.end_call(session=session, call=call, ending=ending)
    after_call = AfterCall([LeadFinalizer(settings=settings, hub=LiveHub()), AnnounceCompleted()])
    await after_call.run(call_id)
    return call_id


async def all_delivered(client: TestClient, endpoint_id: int, within: float = 5.0) -> bool:
    """Whether the delivery log shows every delivery delivered within `within` seconds (polled: the
    log is what a user looks at)."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        items = client.get(f"/api/webhooks/{endpoint_id}/deliveries").json()["items"]
        if {d["status"] for d in items} == {"delivered"}:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_every_event_arrives_once_signed_in_order_despite_failures_and_a_restart(
    db: Settings, api_client: TestClient, receiver: WebhookReceiver
) -> None:
    endpoint_id = register(api_client, receiver, ALL_EVENTS)
    receiver.fail_first = 3
    call_id = await a_whole_call(db)
    queued = api_client.get(f"/api/webhooks/{endpoint_id}/deliveries").json()
    types_in_order = [d["type"] for d in reversed(queued["items"])]
    assert types_in_order[:3] == ["call.started", "lead.created", "lead.updated"]
    assert types_in_order[-1] == "call.completed"

    worker = asyncio.create_task(run_webhook_worker(policy=FAST), name="webhooks-1")
    assert await asyncio.to_thread(receiver.wait_for_attempts, 2)
    worker.cancel()  # the process dies between attempts
    await asyncio.gather(worker, return_exceptions=True)
    assert receiver.accepted == []

    worker = asyncio.create_task(run_webhook_worker(policy=FAST), name="webhooks-2")
    try:
        assert await asyncio.to_thread(receiver.wait_for, len(types_in_order))
        # The worker records the last 2xx just after the receiver answered it.
        assert await all_delivered(api_client, endpoint_id)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)

    assert receiver.bad_signatures == 0
    ids = [a["id"] for a in receiver.accepted]
    assert len(ids) == len(set(ids)) == queued["total"]
    assert all(receiver.attempts[i] == 4 for i in ids)  # 3 failures, then the same id accepted
    assert [a["body"]["type"] for a in receiver.accepted] == types_in_order
    completed = receiver.accepted[-1]["body"]
    assert completed["data"]["id"] == call_id
    assert completed["data"]["outcome"] == "qualified"
    assert completed["data"]["summary"]
    assert set(receiver.accepted[0]["headers"]) >= {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    log = api_client.get(f"/api/webhooks/{endpoint_id}/deliveries").json()["items"]
    assert {d["status"] for d in log} == {"delivered"}
    assert {d["attempts"] for d in log} == {4}


async def test_a_rejecting_endpoint_stops_after_three_attempts_and_can_be_resent(
    db: Settings, api_client: TestClient, receiver: WebhookReceiver
) -> None:
    endpoint_id = register(api_client, receiver, ["call.started"])
    receiver.fail_first, receiver.fail_status = 3, 400
    call_records.record_inbound(
        call_sid="CA" + "8" * 32, from_number="+14155550134", to_number="+1"
    )
    call_records.record_stream_start(call_id=None, call_sid="CA" + "8" * 32, stream_sid="MZ2")

    worker = asyncio.create_task(run_webhook_worker(policy=FAST), name="webhooks")
    try:
        assert await asyncio.to_thread(receiver.wait_for_attempts, 3)
        await asyncio.sleep(0.5)  # time for a 4th attempt, were one (wrongly) scheduled
        [failed] = api_client.get(f"/api/webhooks/{endpoint_id}/deliveries").json()["items"]
        assert (failed["status"], failed["attempts"]) == ("failed", 3)
        assert "HTTP 400" in failed["last_error"]
        assert sum(receiver.attempts.values()) == 3

        resent = api_client.post(f"/api/webhooks/deliveries/{failed['id']}/resend")
        assert resent.status_code == 200 and resent.json()["status"] == "pending"
        assert await asyncio.to_thread(receiver.wait_for, 1)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    [accepted] = receiver.accepted
    assert accepted["id"] == failed["event_id"]
    assert api_client.delete(f"/api/webhooks/{endpoint_id}").status_code == 204
    assert api_client.get(f"/api/webhooks/{endpoint_id}/deliveries").status_code == 404


def test_the_retry_schedule_of_the_contract() -> None:
    policy = DeliveryPolicy()
    now = utcnow()
    delays = [policy.delay(n) for n in range(1, 9)]
    assert delays[0] <= 5
    assert all(d <= 60 for d in delays[:5])
    assert delays[5:] == [3600.0, 3600.0, 3600.0]
    assert policy.retry_at(attempt=2, status=503, created_at=now, now=now) is not None
    assert policy.retry_at(attempt=3, status=404, created_at=now, now=now) is None
    assert policy.retry_at(attempt=3, status=429, created_at=now, now=now) is not None
    three_days_ago = now - timedelta(days=3)
    assert policy.retry_at(attempt=40, status=None, created_at=three_days_ago, now=now) is None


def test_webhook_routes_need_credentials(db: Settings) -> None:
    from callcenter.api import create_api

    with TestClient(create_api(db)) as anonymous:
        assert anonymous.get("/api/webhooks").status_code == 401
        assert (
            anonymous.post("/api/webhooks", json={"url": "http://x", "events": []}).status_code
            == 401
        )
