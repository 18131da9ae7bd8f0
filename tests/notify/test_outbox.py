"""The outbox against a fake Resend: sent once, retried with backoff, never lost or doubled."""

import asyncio
from datetime import timedelta

import pytest

from callcenter.config import Settings
from callcenter.db.models import OutboxMessage, OutboxStatus
from callcenter.db.repo import outbox as outbox_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.notify.outbox import RetryPolicy, idempotency_key, send_due_once
from callcenter.notify.senders import ResendSender
from tests.fakes.resend_server import FakeResend
from tests.notify.conftest import queue

POLICY = RetryPolicy(max_attempts=4, send_timeout=5.0)
SENDER = "Acme <calls@acme.test>"


def resend(fake: FakeResend, *, timeout: int = 5) -> ResendSender:
    return ResendSender(api_key="re_test_key", api_url=fake.url, timeout=timeout)


def row(row_id: int) -> OutboxMessage:
    with session_scope() as session:
        found = session.get(OutboxMessage, row_id)
        assert found is not None
        return found


async def send(fake: FakeResend, *, now_offset: float = 0.0, http_timeout: int = 5) -> object:
    return await send_due_once(
        sender=resend(fake, timeout=http_timeout),
        sender_address=SENDER,
        policy=POLICY,
        now=utcnow() + timedelta(seconds=now_offset),
    )


async def test_a_queued_email_goes_out_once_with_the_rows_idempotency_key(
    db: Settings, fake_resend: FakeResend
) -> None:
    row_id = queue("k1", to="dana@example.com", subject="Thanks for calling")

    await send(fake_resend)
    await send(fake_resend)  # nothing left to do

    assert len(fake_resend.requests) == 1
    request = fake_resend.requests[0]
    assert request.idempotency_key == idempotency_key(row(row_id))
    assert request.authorization == "Bearer re_test_key"
    assert request.body["to"] == ["dana@example.com"]
    assert request.body["from"] == SENDER
    assert request.body["subject"] == "Thanks for calling"
    assert request.body["html"] and request.body["text"]
    sent = row(row_id)
    assert sent.status == OutboxStatus.sent
    assert sent.provider_message_id == fake_resend.delivered[0]["id"]


async def test_a_500_is_retried_within_five_seconds_then_sent(
    db: Settings, fake_resend: FakeResend
) -> None:
    row_id = queue("k2")
    fake_resend.fail_next(500)
    before = utcnow()

    await send(fake_resend)
    waiting = row(row_id)
    assert waiting.status == OutboxStatus.pending
    assert "500" in (waiting.last_error or "")
    assert timedelta(0) < waiting.next_attempt_at - before <= timedelta(seconds=5)

    await send(fake_resend)  # not due yet
    assert len(fake_resend.requests) == 1
    await send(fake_resend, now_offset=5)
    assert row(row_id).status == OutboxStatus.sent
    assert len(fake_resend.delivered) == 1


async def test_a_timeout_after_delivery_does_not_send_twice(
    db: Settings, fake_resend: FakeResend
) -> None:
    row_id = queue("k3")
    fake_resend.fail_next("stall")  # Resend takes it, but the answer never arrives in time

    await send(fake_resend, http_timeout=1)
    assert row(row_id).status == OutboxStatus.pending
    await send(fake_resend, now_offset=5)

    assert row(row_id).status == OutboxStatus.sent
    assert len(fake_resend.requests) == 2
    assert fake_resend.requests[0].idempotency_key == fake_resend.requests[1].idempotency_key
    assert len(fake_resend.delivered) == 1


async def test_a_rejected_message_fails_at_once_with_the_error(
    db: Settings, fake_resend: FakeResend
) -> None:
    row_id = queue("k4")
    fake_resend.fail_next(422)
    await send(fake_resend)
    failed = row(row_id)
    assert failed.status == OutboxStatus.failed
    assert "422" in (failed.last_error or "")


async def test_retries_stop_at_the_limit_and_the_row_is_failed(
    db: Settings, fake_resend: FakeResend
) -> None:
    row_id = queue("k5")
    fake_resend.fail_next(*[503] * POLICY.max_attempts)
    for attempt in range(POLICY.max_attempts):
        await send(fake_resend, now_offset=70 * attempt)
    failed = row(row_id)
    assert failed.status == OutboxStatus.failed
    assert failed.attempts == POLICY.max_attempts
    assert "503" in (failed.last_error or "")
    await send(fake_resend, now_offset=1000)
    assert len(fake_resend.requests) == POLICY.max_attempts


async def test_a_crash_between_claim_and_send_is_sent_exactly_once_after_restart(
    db: Settings, fake_resend: FakeResend
) -> None:
    row_id = queue("k6")
    now = utcnow()
    # The process claims the row, commits, and dies before sending.
    with session_scope() as session:
        claimed = outbox_repo.claim_due(
            session=session,
            now=now,
            lease_until=now + timedelta(seconds=POLICY.lease_seconds),
            limit=10,
        )
    assert [r.id for r in claimed] == [row_id]

    await send(fake_resend)  # "restart": the claim is still leased, nobody else sends
    assert fake_resend.requests == []
    await send(fake_resend, now_offset=POLICY.lease_seconds + 1)

    assert row(row_id).status == OutboxStatus.sent
    assert len(fake_resend.delivered) == 1


async def test_a_crash_after_sending_before_recording_is_not_delivered_twice(
    db: Settings, fake_resend: FakeResend
) -> None:
    row_id = queue("k7")
    now = utcnow()
    with session_scope() as session:
        [claimed] = outbox_repo.claim_due(
            session=session, now=now, lease_until=now + timedelta(seconds=60), limit=10
        )
    from callcenter.notify.outbox import to_message

    await resend(fake_resend).send(to_message(claimed, sender_address=SENDER))  # then dies

    await send(fake_resend, now_offset=POLICY.lease_seconds + 1)
    assert row(row_id).status == OutboxStatus.sent
    assert len(fake_resend.requests) == 2
    assert len(fake_resend.delivered) == 1


async def test_concurrent_senders_never_take_the_same_row(
    db: Settings, fake_resend: FakeResend
) -> None:
    ids = [queue(f"c{i}", to=f"lead{i}@example.com") for i in range(12)]

    async def one_sender() -> None:
        await send_due_once(sender=resend(fake_resend), sender_address=SENDER, limit=3)

    await asyncio.gather(*(one_sender() for _ in range(6)))
    await send_due_once(sender=resend(fake_resend), sender_address=SENDER, limit=50)

    assert all(row(i).status == OutboxStatus.sent for i in ids)
    assert len(fake_resend.requests) == 12
    assert sorted(d["to"][0] for d in fake_resend.delivered) == sorted(
        f"lead{i}@example.com" for i in range(12)
    )


def test_backoff_grows_exponentially_with_jitter_capped_at_sixty_seconds() -> None:
    policy = RetryPolicy()
    for attempt in range(1, 12):
        delays = [policy.delay(attempt) for _ in range(50)]
        assert max(delays) <= 60.0
        assert min(delays) >= min(60.0, 2.0 * 2 ** (attempt - 1)) * 0.5
    assert max(policy.delay(1) for _ in range(100)) <= 5.0
    assert len({round(policy.delay(3), 6) for _ in range(20)}) > 1  # jittered


def test_enqueue_is_idempotent_by_dedupe_key(db: Settings) -> None:
    first = queue("same")
    with session_scope() as session:
        from callcenter.notify.outbox import enqueue_email
        from callcenter.notify.render import Rendered

        again = enqueue_email(
            session=session,
            dedupe_key="same",
            kind="followup",
            to_address="x@example.com",
            rendered=Rendered("s", "<p>h</p>", "t"),
        )
    assert again is None
    with session_scope() as session:
        assert [r.id for r in outbox_repo.list_messages(session=session)] == [first]


@pytest.mark.parametrize("status", [429, 502])
async def test_throttling_and_gateway_errors_are_retried(
    db: Settings, fake_resend: FakeResend, status: int
) -> None:
    row_id = queue(f"t{status}")
    fake_resend.fail_next(status)
    await send(fake_resend)
    assert row(row_id).status == OutboxStatus.pending
    await send(fake_resend, now_offset=5)
    assert row(row_id).status == OutboxStatus.sent
