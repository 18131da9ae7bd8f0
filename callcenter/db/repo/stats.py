"""Dashboard numbers: call and lead totals over a window, per-day counts, outcomes, funnel."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import String, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from callcenter.db.models import (
    ACTIVE_STATUSES,
    Call,
    CallStatus,
    EndReason,
    Lead,
    LeadStatus,
)


@dataclass(frozen=True, slots=True)
class WindowStats:
    calls: int
    answered: int
    avg_duration_seconds: float | None
    leads: int
    conversion_rate: float | None  # answered calls that produced a lead
    error_rate: float | None  # calls that failed or ended in an error
    ai_cost_usd: float = 0.0  # what the AI cost over the window's calls (calls.cost_usd)

    @property
    def cost_per_lead(self) -> float | None:
        """The window's AI cost over the leads it brought; None without a lead."""
        return self.ai_cost_usd / self.leads if self.leads else None


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    calls: int
    answered: int
    leads: int


def window_stats(
    *, session: Session, since: datetime, until: datetime | None = None
) -> WindowStats:
    """Totals for calls started (and leads created) in [since, until)."""
    errored = case(
        (
            (col(Call.status) == CallStatus.failed.value)
            | (col(Call.end_reason) == EndReason.error.value),
            1,
        ),
        else_=0,
    )
    answered = case((col(Call.answered_at).is_not(None), 1), else_=0)
    converted = case(
        ((col(Call.answered_at).is_not(None)) & (col(Call.lead_id).is_not(None)), 1), else_=0
    )
    query = sa_select(
        func.count(col(Call.id)),
        func.coalesce(func.sum(answered), 0),
        func.avg(col(Call.duration_seconds)),
        func.coalesce(func.sum(errored), 0),
        func.coalesce(func.sum(converted), 0),
        func.coalesce(func.sum(col(Call.cost_usd)), 0.0),
    ).where(col(Call.started_at) >= since)
    lead_query = select(func.count(col(Lead.id))).where(col(Lead.created_at) >= since)
    if until is not None:
        query = query.where(col(Call.started_at) < until)
        lead_query = lead_query.where(col(Lead.created_at) < until)
    total, n_answered, avg_duration, n_errors, n_converted, cost = session.execute(query).one()
    leads = int(session.exec(lead_query).one())
    total, n_answered = int(total), int(n_answered)
    return WindowStats(
        calls=total,
        answered=n_answered,
        avg_duration_seconds=float(avg_duration) if avg_duration is not None else None,
        leads=leads,
        conversion_rate=int(n_converted) / n_answered if n_answered else None,
        error_rate=int(n_errors) / total if total else None,
        ai_cost_usd=float(cost),
    )


def active_call_count(*, session: Session) -> int:
    statuses = [status.value for status in ACTIVE_STATUSES]
    query = select(func.count(col(Call.id))).where(col(Call.status).in_(statuses))
    return int(session.exec(query).one())


def calls_per_day(*, session: Session, days: int, today: date) -> list[DayCount]:
    """One entry per UTC day for the last `days` days ending `today`, zeros included."""
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=UTC)
    day_col = func.date(col(Call.started_at))
    answered = case((col(Call.answered_at).is_not(None), 1), else_=0)
    rows = session.exec(
        select(day_col, func.count(col(Call.id)), func.coalesce(func.sum(answered), 0))
        .where(col(Call.started_at) >= start)
        .group_by(day_col)
    ).all()
    lead_day = func.date(col(Lead.created_at))
    lead_rows = session.exec(
        select(lead_day, func.count(col(Lead.id)))
        .where(col(Lead.created_at) >= start)
        .group_by(lead_day)
    ).all()
    calls_by_day = {str(day): (int(n), int(a)) for day, n, a in rows}
    leads_by_day = {str(day): int(n) for day, n in lead_rows}
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        n, a = calls_by_day.get(day.isoformat(), (0, 0))
        out.append(
            DayCount(day=day, calls=n, answered=a, leads=leads_by_day.get(day.isoformat(), 0))
        )
    return out


def outcomes(*, session: Session, since: datetime) -> dict[str, int]:
    """How calls ended: end reason when known, else final status, for calls since `since`."""
    # Both enum columns hold member names (e.g. "no_answer"); read them back as plain text.
    label = func.coalesce(col(Call.end_reason), col(Call.status), type_=String)
    rows = session.exec(
        select(label, func.count(col(Call.id))).where(col(Call.started_at) >= since).group_by(label)
    ).all()
    return {str(name): int(n) for name, n in sorted(rows, key=lambda r: -int(r[1]))}


def lead_funnel(*, session: Session, since: datetime) -> dict[str, int]:
    """Leads created since `since` by status, in funnel order (every status present)."""
    rows = session.exec(
        select(col(Lead.status), func.count(col(Lead.id)))
        .where(col(Lead.created_at) >= since)
        .group_by(col(Lead.status))
    ).all()
    counts = {str(status): int(n) for status, n in rows}
    return {status.value: counts.get(status.value, 0) for status in LeadStatus}
