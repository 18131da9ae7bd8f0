"""The dashboard's numbers (`db/repo/stats.py`) on a real database."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from callcenter.config import Settings
from callcenter.db.models import CallDirection, CallStatus, EndReason, Lead, LeadStatus
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import stats
from callcenter.db.session import get_engine
from callcenter.ui.format import usd

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _call(
    session: Session,
    *,
    ago: timedelta,
    status: CallStatus,
    answered: bool,
    reason: EndReason | None = None,
    lead: Lead | None = None,
    seconds: int = 60,
) -> None:
    call = calls_repo.create_call(
        session=session,
        direction=CallDirection.inbound,
        from_number="+14155550142",
        to_number="+15550100000",
    )
    call.started_at = NOW - ago
    call.status = status
    call.end_reason = reason
    if answered:
        call.answered_at = call.started_at + timedelta(seconds=3)
        call.duration_seconds = seconds
    call.lead_id = lead.id if lead else None


def test_window_totals_rates_and_per_day_counts(migrated: Settings):
    with Session(get_engine()) as session:
        lead = Lead(name="Maria", status=LeadStatus.qualified, created_at=NOW - timedelta(hours=1))
        session.add(lead)
        session.flush()
        _call(
            session,
            ago=timedelta(hours=1),
            status=CallStatus.completed,
            answered=True,
            reason=EndReason.agent_ended,
            lead=lead,
            seconds=90,
        )
        _call(
            session,
            ago=timedelta(hours=2),
            status=CallStatus.completed,
            answered=True,
            reason=EndReason.caller_hung_up,
            seconds=30,
        )
        _call(
            session,
            ago=timedelta(days=1),
            status=CallStatus.failed,
            answered=False,
            reason=EndReason.error,
        )
        _call(session, ago=timedelta(days=40), status=CallStatus.no_answer, answered=False)
        _call(session, ago=timedelta(minutes=1), status=CallStatus.in_progress, answered=True)
        session.commit()

        week = stats.window_stats(session=session, since=NOW - timedelta(days=7))
        assert (week.calls, week.answered, week.leads) == (4, 3, 1)
        assert week.avg_duration_seconds == 60
        assert week.conversion_rate == 1 / 3
        assert week.error_rate == 1 / 4
        assert stats.active_call_count(session=session) == 1

        days = stats.calls_per_day(session=session, days=7, today=NOW.date())
        assert len(days) == 7 and days[-1].day == NOW.date()
        assert (days[-1].calls, days[-1].answered, days[-1].leads) == (3, 3, 1)
        assert days[-2].calls == 1 and sum(d.calls for d in days) == 4

        outcomes = stats.outcomes(session=session, since=NOW - timedelta(days=7))
        assert outcomes == {"agent_ended": 1, "caller_hung_up": 1, "error": 1, "in_progress": 1}
        funnel = stats.lead_funnel(session=session, since=NOW - timedelta(days=7))
        assert list(funnel) == ["new", "contacted", "qualified", "won", "lost"]
        assert funnel["qualified"] == 1 and sum(funnel.values()) == 1


def test_empty_database_has_no_rates(migrated: Settings):
    with Session(get_engine()) as session:
        empty = stats.window_stats(session=session, since=NOW - timedelta(days=30))
    assert (empty.calls, empty.answered, empty.leads) == (0, 0, 0)
    assert empty.conversion_rate is None and empty.error_rate is None
    assert empty.avg_duration_seconds is None


def test_the_window_ai_cost_is_summed_and_split_over_its_leads(migrated: Settings):
    with Session(get_engine()) as session:
        for name in ("Maria", "Tom"):
            session.add(Lead(name=name, created_at=NOW - timedelta(hours=1)))
        _call(session, ago=timedelta(hours=1), status=CallStatus.completed, answered=True)
        _call(session, ago=timedelta(hours=2), status=CallStatus.completed, answered=True)
        _call(session, ago=timedelta(hours=3), status=CallStatus.no_answer, answered=False)
        session.flush()
        for call, cost in zip(
            calls_repo.list_calls(session=session).items, (0.25, 0.5), strict=False
        ):
            call.cost_usd = cost  # the unanswered call used no AI: its cost stays empty
        session.commit()
        week = stats.window_stats(session=session, since=NOW - timedelta(days=7))
    assert week.ai_cost_usd == 0.75
    assert week.cost_per_lead == 0.375
    assert usd(week.cost_per_lead) == "$0.3750" and usd(12.5) == "$12.50" and usd(None) == "—"


def test_no_lead_means_no_cost_per_lead(migrated: Settings):
    with Session(get_engine()) as session:
        empty = stats.window_stats(session=session, since=NOW - timedelta(days=30))
    assert empty.ai_cost_usd == 0.0 and empty.cost_per_lead is None
