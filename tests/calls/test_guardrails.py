"""Outbound guardrails: every refusal is a clear 403/429, decided on the callee's local clock."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from callcenter.calls.guardrails import GuardrailRefusal, add_to_do_not_call, check_outbound
from callcenter.config import Settings
from callcenter.db.models import Call, CallDirection, CallStatus, DoNotCall
from callcenter.db.session import session_scope

# 18:00 UTC is 14:00 in New York, 11:00 in Los Angeles, 19:00 in London, 13:00 in Jamaica.
AFTERNOON = datetime(2026, 6, 10, 18, 0, tzinfo=UTC)
NY = "+12125551234"
LA = "+14155550123"


@pytest.fixture
def db(migrated: Settings) -> Iterator[Session]:
    with session_scope() as session:
        yield session


def _policy(settings: Settings, **changes: Any) -> Settings:
    base = {"calling_hours": "09:00-20:00", "allowed_countries": []}
    return settings.model_copy(update={**base, **changes})


def _add_calls(
    session: Session,
    to: str,
    count: int,
    *,
    at: datetime,
    status: CallStatus = CallStatus.completed,
) -> None:
    for _ in range(count):
        session.add(
            Call(
                direction=CallDirection.outbound,
                from_number="+12025550100",
                to_number=to,
                status=status,
                started_at=at,
            )
        )
    session.flush()


ALLOWED = [
    pytest.param(NY, AFTERNOON, {}, id="us-landline-in-hours"),
    pytest.param(LA, AFTERNOON, {}, id="us-west-coast-in-hours"),
    pytest.param("+15551234567", AFTERNOON, {}, id="unassigned-us-number-uses-country-zone"),
    pytest.param(
        "+18005551234", datetime(2026, 6, 10, 6, 0, tzinfo=UTC), {}, id="toll-free-no-hours"
    ),
    pytest.param(
        "+447911123456", AFTERNOON, {"allowed_countries": ["GB", "GG"]}, id="uk-mobile-allowed"
    ),
    pytest.param(
        NY,
        datetime(2026, 6, 10, 3, 0, tzinfo=UTC),
        {"calling_hours": "22:00-06:00"},
        id="window-across-midnight",
    ),
    pytest.param(
        NY,
        datetime(2026, 6, 10, 7, 0, tzinfo=UTC),
        {"calling_hours": "00:00-24:00"},
        id="all-day-window",
    ),
]


@pytest.mark.parametrize(("to", "now", "changes"), ALLOWED)
def test_allowed_calls_pass(
    db: Session, settings: Settings, to: str, now: datetime, changes: dict[str, Any]
) -> None:
    check_outbound(session=db, settings=_policy(settings, **changes), to=to, now=now)


REFUSED = [
    pytest.param(
        "+18765551234",
        AFTERNOON,
        {},
        403,
        "calls to JM numbers are not allowed",
        id="jamaica-one-ring-scam",
    ),
    pytest.param(
        "+33612345678",
        AFTERNOON,
        {},
        403,
        "calls to FR numbers are not allowed",
        id="country-not-allowed",
    ),
    pytest.param("+19005551234", AFTERNOON, {}, 403, "premium-rate number", id="us-900-premium"),
    pytest.param(
        "+449098790123",
        AFTERNOON,
        {"allowed_countries": ["GB"]},
        403,
        "premium-rate number",
        id="uk-09-premium",
    ),
    pytest.param("+80012345678", AFTERNOON, {}, 403, "non-geographic", id="global-freephone"),
    pytest.param("+1911", AFTERNOON, {}, 403, "short code", id="short-code"),
    pytest.param("12125551234", AFTERNOON, {}, 403, "not an E.164", id="not-e164"),
    pytest.param(
        NY,
        datetime(2026, 6, 10, 12, 30, tzinfo=UTC),
        {},
        403,
        "it is 08:30 at +12125551234",
        id="too-early-in-new-york",
    ),
    pytest.param(
        NY,
        datetime(2026, 6, 11, 0, 0, tzinfo=UTC),
        {},
        403,
        "calls are allowed only between 09:00-20:00",
        id="too-late-in-new-york",
    ),
    pytest.param(
        LA,
        datetime(2026, 6, 10, 15, 30, tzinfo=UTC),
        {},
        403,
        "it is 08:30 at +14155550123 (America/Los_Angeles)",
        id="fine-in-ny-but-early-in-la",
    ),
]


@pytest.mark.parametrize(("to", "now", "changes", "code", "detail"), REFUSED)
def test_refused_calls_say_why(
    db: Session,
    settings: Settings,
    to: str,
    now: datetime,
    changes: dict[str, Any],
    code: int,
    detail: str,
) -> None:
    with pytest.raises(GuardrailRefusal) as refusal:
        check_outbound(session=db, settings=_policy(settings, **changes), to=to, now=now)
    assert refusal.value.status_code == code
    assert detail in refusal.value.detail


def test_a_number_on_the_do_not_call_list_is_refused(db: Session, settings: Settings) -> None:
    add_to_do_not_call(session=db, number="(212) 555-1234")
    with pytest.raises(GuardrailRefusal) as refusal:
        check_outbound(session=db, settings=_policy(settings), to=NY, now=AFTERNOON)
    assert (refusal.value.status_code, refusal.value.detail) == (
        403,
        "+12125551234 is on the do-not-call list",
    )
    check_outbound(session=db, settings=_policy(settings), to=LA, now=AFTERNOON)


def test_adding_to_do_not_call_twice_keeps_one_entry(db: Session) -> None:
    first = add_to_do_not_call(session=db, number="+12125551234", reason="asked on the call")
    second = add_to_do_not_call(session=db, number="+1 212 555 1234")
    assert first.id == second.id
    rows = db.exec(select(DoNotCall)).all()
    assert [(r.number, r.source, r.reason) for r in rows] == [
        ("+12125551234", "caller_request", "asked on the call")
    ]
    with pytest.raises(ValueError):
        add_to_do_not_call(session=db, number="not a number")


def test_a_number_called_too_often_today_is_refused_until_a_day_has_passed(
    db: Session, settings: Settings
) -> None:
    policy = _policy(settings, max_calls_per_number_per_day=2)
    _add_calls(db, NY, 1, at=AFTERNOON - timedelta(hours=30))
    _add_calls(db, NY, 1, at=AFTERNOON - timedelta(hours=5))
    check_outbound(session=db, settings=policy, to=NY, now=AFTERNOON)
    _add_calls(db, NY, 1, at=AFTERNOON - timedelta(hours=1))
    with pytest.raises(GuardrailRefusal) as refusal:
        check_outbound(session=db, settings=policy, to=NY, now=AFTERNOON)
    assert refusal.value.status_code == 429
    assert "already called 2 times in the last 24 hours (limit 2)" in refusal.value.detail
    check_outbound(session=db, settings=policy, to=LA, now=AFTERNOON)
    check_outbound(session=db, settings=policy, to=NY, now=AFTERNOON + timedelta(hours=20))


def test_the_global_daily_cap_refuses_every_number(db: Session, settings: Settings) -> None:
    policy = _policy(settings, max_calls_per_day=3)
    for n in range(3):
        _add_calls(db, f"+1212555000{n}", 1, at=AFTERNOON - timedelta(hours=2))
    with pytest.raises(GuardrailRefusal) as refusal:
        check_outbound(session=db, settings=policy, to=LA, now=AFTERNOON)
    assert refusal.value.status_code == 429
    assert "daily limit of 3 outbound calls" in refusal.value.detail


def test_too_many_calls_in_progress_is_refused_until_one_ends(
    db: Session, settings: Settings
) -> None:
    policy = _policy(settings, max_concurrent_outbound=2)
    _add_calls(db, "+12125550001", 1, at=AFTERNOON, status=CallStatus.in_progress)
    _add_calls(db, "+12125550002", 1, at=AFTERNOON, status=CallStatus.ringing)
    with pytest.raises(GuardrailRefusal) as refusal:
        check_outbound(session=db, settings=policy, to=LA, now=AFTERNOON)
    assert refusal.value.status_code == 429
    assert "2 outbound calls are already in progress" in refusal.value.detail
    call = db.exec(select(Call).where(Call.to_number == "+12125550002")).one()
    call.status = CallStatus.completed
    db.flush()
    check_outbound(session=db, settings=policy, to=LA, now=AFTERNOON)


def test_do_not_call_api_adds_lists_and_removes_numbers(client: TestClient) -> None:
    added = client.post("/api/do-not-call", json={"number": "(415) 555-0123", "reason": "asked"})
    assert added.status_code == 201
    assert added.json()["number"] == LA and added.json()["source"] == "api"
    again = client.post("/api/do-not-call", json={"number": LA})
    assert again.status_code == 200 and again.json()["id"] == added.json()["id"]
    listed = client.get("/api/do-not-call").json()
    assert [item["number"] for item in listed["items"]] == [LA] and listed["total"] == 1
    assert client.delete(f"/api/do-not-call/{LA}").status_code == 204
    missing = client.delete(f"/api/do-not-call/{LA}")
    assert missing.status_code == 404 and "not on the do-not-call list" in missing.json()["detail"]
    assert client.get("/api/do-not-call").json()["total"] == 0


def test_do_not_call_api_needs_a_token_and_a_real_number(client: TestClient) -> None:
    anonymous = client.get("/api/do-not-call", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    bad = client.post("/api/do-not-call", json={"number": "hello there"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("number:")


def test_default_calling_hours_do_not_apply_to_the_simulator_which_rings_nobody(
    env: dict[str, str], db: Session
) -> None:
    del env["CALLING_HOURS"]
    from callcenter.config import get_settings

    simulator = get_settings()
    night = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)  # 02:00 in New York
    check_outbound(session=db, settings=simulator, to="+12125550123", now=night)
    explicit = simulator.model_copy(update={"calling_hours": "09:00-20:00"})
    with pytest.raises(GuardrailRefusal, match="02:00"):
        check_outbound(session=db, settings=explicit, to="+12125550123", now=night)
