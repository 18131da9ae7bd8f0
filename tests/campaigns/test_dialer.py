"""The dialer against the fake Twilio REST server: pacing, concurrency, retries, guardrails,
pause and resume — measured where Twilio sees it (the create requests and their times)."""

from collections import Counter
from dataclasses import replace

from callcenter.campaigns.dialer import DialerTiming
from callcenter.config import get_settings
from tests.campaigns.conftest import FAST, Robot, Stage, wait_until
from tests.fakes.twilio_rest import FakeCall


def _numbers(n: int, prefix: str = "+1415555") -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(1, n + 1)]


def _completed(stage: Stage, campaign_id: int, timeout: float = 30.0) -> dict:  # type: ignore[type-arg]
    wait_until(
        lambda: stage.campaign(campaign_id)["status"] == "completed",
        timeout,
        "the campaign to complete",
    )
    return stage.campaign(campaign_id)


def _answered(call: FakeCall, nth: int) -> tuple[float, str, str | None]:
    return 0.05, "completed", "human"


def test_calls_per_minute_is_never_exceeded_in_any_window_at_twilio(stage: Stage) -> None:
    window = 2.0  # the same sliding window as a minute, shortened for the test
    campaign_id = stage.create(_numbers(9), max_concurrent=50, calls_per_minute=3)
    stage.start_dialer(replace(FAST, window_seconds=window))
    with Robot(stage, _answered):
        stage.action(campaign_id, "start")
        campaign = _completed(stage, campaign_id)
    times = sorted(call.created_at for call in stage.fake.calls.values())
    assert len(times) == 9
    for start in times:
        in_window = [t for t in times if start <= t < start + window]
        assert len(in_window) <= 3, f"{len(in_window)} dials within {window} s"
    assert times[-1] - times[0] >= 2 * window  # three full windows were needed, not fewer
    assert campaign["counts"]["done"] == 9 and campaign["counts"]["total"] == 9


def test_never_more_calls_in_progress_than_max_concurrent(stage: Stage) -> None:
    campaign_id = stage.create(_numbers(8), max_concurrent=2, calls_per_minute=1000)
    stage.start_dialer()
    with Robot(stage, lambda call, nth: (0.3, "completed", None)) as robot:
        stage.action(campaign_id, "start")
        campaign = _completed(stage, campaign_id)
    assert robot.max_open == 2
    assert len(stage.fake.calls) == 8
    assert campaign["counts"]["done"] == 8


def test_retries_follow_the_policy_and_wait_retry_after_seconds(stage: Stage) -> None:
    outcomes = {
        # number: what each dial of it ends with
        "+14155550001": [("no-answer", None), ("busy", None), ("completed", "human")],
        "+14155550002": [("completed", "machine_end_beep")] * 3,
        "+14155550003": [("failed", None)],
    }

    def decide(call: FakeCall, nth: int) -> tuple[float, str, str | None]:
        status, answered_by = outcomes[call.to][nth - 1]
        return 0.05, status, answered_by

    campaign_id = stage.create(
        list(outcomes),
        max_concurrent=5,
        calls_per_minute=1000,
        retry={
            "max_attempts": 3,
            "retry_after_seconds": 1,
            "retry_on": ["no-answer", "busy", "machine"],
        },
    )
    stage.start_dialer()
    with Robot(stage, decide) as robot:
        stage.action(campaign_id, "start")
        campaign = _completed(stage, campaign_id)
    contacts = stage.contacts(campaign_id)
    first, machine, failed = (contacts[n] for n in outcomes)
    assert (first["state"], first["attempts"], first["last_outcome"]) == ("done", 3, "completed")
    assert (machine["state"], machine["attempts"], machine["last_outcome"]) == (
        "failed",
        3,
        "machine",
    )
    assert (failed["state"], failed["attempts"], failed["last_outcome"]) == ("failed", 1, "failed")
    assert len(first["call_ids"]) == 3 and len(set(first["call_ids"])) == 3
    dials = sorted(
        (c for c in stage.fake.calls.values() if c.to == "+14155550001"), key=lambda c: c.created_at
    )
    for earlier, later in zip(dials, dials[1:], strict=False):
        waited = later.created_at - robot.ended[earlier.sid]
        assert 1.0 <= waited < 2.5, f"retried after {waited:.2f} s, policy says 1 s"
    assert campaign["counts"] == {
        "total": 3,
        "pending": 0,
        "calling": 0,
        "retry": 0,
        "done": 1,
        "skipped": 0,
        "failed": 2,
        "qualified": 0,
    }


def test_do_not_call_and_calling_hours_skip_with_the_reason(
    stage: Stage, env: dict[str, str]
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    # A window that holds the time in New York now but not in California (3 h behind).
    ny = datetime.now(ZoneInfo("America/New_York"))
    start, end = ny - timedelta(hours=1), ny + timedelta(hours=1)
    env["CALLING_HOURS"] = f"{start:%H:%M}-{end:%H:%M}"
    stage.parts.dialer.settings = get_settings()
    with stage.api() as api:
        assert api.post("/api/do-not-call", json={"number": "+12125550102"}).status_code == 201
    campaign_id = stage.create(
        ["+12125550101", "+12125550102", "+14155550103"], calls_per_minute=1000
    )
    stage.start_dialer()
    with Robot(stage, _answered):
        stage.action(campaign_id, "start")
        campaign = _completed(stage, campaign_id)
    contacts = stage.contacts(campaign_id)
    assert contacts["+12125550101"]["state"] == "done"
    assert contacts["+12125550102"]["state"] == "skipped"
    assert "do-not-call" in contacts["+12125550102"]["skip_reason"]
    assert contacts["+14155550103"]["state"] == "skipped"
    assert "calls are allowed only between" in contacts["+14155550103"]["skip_reason"]
    assert [c.to for c in stage.fake.calls.values()] == ["+12125550101"]
    assert (campaign["counts"]["done"], campaign["counts"]["skipped"]) == (1, 2)


def test_pause_places_no_new_call_and_resume_goes_on(stage: Stage) -> None:
    campaign_id = stage.create(_numbers(3), max_concurrent=1, calls_per_minute=1000)
    stage.start_dialer()
    stage.action(campaign_id, "start")
    (first,) = stage.fake.wait_for_calls(1)
    assert stage.action(campaign_id, "pause")["status"] == "paused"
    stage.callback(first, "completed", "human")
    wait_until(
        lambda: stage.campaign(campaign_id)["counts"]["done"] == 1, what="the first call to settle"
    )
    assert len(stage.fake.wait_for_calls(2, timeout=1.5)) == 1  # paused: nothing new
    assert stage.campaign(campaign_id)["counts"]["pending"] == 2
    with Robot(stage, _answered):
        stage.action(campaign_id, "resume")
        campaign = _completed(stage, campaign_id)
    assert Counter(c.to for c in stage.fake.calls.values()) == Counter(_numbers(3))
    assert campaign["counts"]["done"] == 3


def test_a_claim_whose_dialer_died_is_reopened_and_dialled_once(stage: Stage) -> None:
    """A dialer that dies after claiming (before creating the call) leaves a claim nobody
    acts on: once its lease runs out another dialer reopens the contact and dials it once."""
    campaign_id = stage.create(_numbers(2), max_concurrent=5, calls_per_minute=1000)
    stage.action(campaign_id, "start")
    from callcenter.db.repo import jobs
    from callcenter.db.session import session_scope

    dead = stage.dialer()
    with session_scope() as session:
        jobs.try_acquire(
            session=session, name=dead.identity, holder=dead.identity, ttl=FAST.lease_ttl
        )
    claims = dead.claim_due(campaign_id)
    assert len(claims) == 2
    assert stage.campaign(campaign_id)["counts"]["calling"] == 2
    stage.start_dialer(DialerTiming(tick_seconds=0.1, lease_ttl=FAST.lease_ttl))
    with Robot(stage, _answered):
        campaign = _completed(stage, campaign_id)
    assert Counter(c.to for c in stage.fake.calls.values()) == Counter(_numbers(2))
    assert campaign["counts"]["done"] == 2
    assert all(c["attempts"] == 1 for c in stage.contacts(campaign_id).values())


def test_cancel_skips_the_rest_and_a_call_in_progress_is_not_retried(stage: Stage) -> None:
    campaign_id = stage.create(_numbers(3), max_concurrent=1, calls_per_minute=1000)
    stage.start_dialer()
    stage.action(campaign_id, "start")
    (first,) = stage.fake.wait_for_calls(1)
    cancelled = stage.action(campaign_id, "cancel")
    assert cancelled["status"] == "cancelled"
    assert (cancelled["counts"]["calling"], cancelled["counts"]["skipped"]) == (1, 2)
    stage.callback(first, "no-answer")  # the call in progress ends after the cancel
    wait_until(lambda: stage.campaign(campaign_id)["counts"]["calling"] == 0, what="settling")
    counts = stage.campaign(campaign_id)["counts"]
    assert (counts["skipped"], counts["retry"], counts["pending"]) == (3, 0, 0)
    contact = stage.contacts(campaign_id)[first.to]
    assert (contact["last_outcome"], contact["attempts"]) == ("no-answer", 1)
    assert "cancelled" in contact["skip_reason"]
    assert len(stage.fake.calls) == 1
