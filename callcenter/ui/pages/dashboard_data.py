"""What the dashboard shows, read from `db/repo/stats.py` in one session."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from callcenter import phones
from callcenter.db.repo import leads as leads_repo
from callcenter.db.repo import stats
from callcenter.db.session import session_scope
from callcenter.ui.format import duration, usd

PERIODS = {"today": "Today", "7d": "Last 7 days", "30d": "Last 30 days"}


@dataclass
class Tile:
    label: str = ""
    value: str = ""
    hint: str = ""


@dataclass
class LeadOption:
    id: str = ""
    label: str = ""


@dataclass
class DashboardData:
    tiles: list[Tile]
    per_day: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    funnel: list[dict[str, Any]]
    leads: list[LeadOption]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def period_start(period: str, now: datetime) -> datetime:
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "7d":
        return midnight - timedelta(days=6)
    if period == "30d":
        return midnight - timedelta(days=29)
    return midnight


def load_dashboard(period: str) -> DashboardData:
    with session_scope() as session:
        data = load_stats(session, period)
        recent = leads_repo.list_leads(session=session, limit=50).items
        data.leads = [
            LeadOption(
                id=str(lead.id), label=f"{lead.name or 'Unnamed'} · {phones.display(lead.phone)}"
            )
            for lead in recent
        ]
    return data


def load_stats(session: Session, period: str) -> DashboardData:
    """The period's tiles and charts (no lead options), read in the caller's session."""
    now = datetime.now(UTC)
    since = period_start(period, now)
    days = {"today": 7, "7d": 7, "30d": 30}.get(period, 7)
    window = stats.window_stats(session=session, since=since)
    active = stats.active_call_count(session=session)
    per_day = stats.calls_per_day(session=session, days=days, today=now.date())
    outcomes = stats.outcomes(session=session, since=since)
    funnel = stats.lead_funnel(session=session, since=since)
    tiles = [
        Tile("Calls", str(window.calls), PERIODS.get(period, "")),
        Tile(
            "Answered",
            str(window.answered),
            _pct(window.answered / window.calls if window.calls else None) + " of calls",
        ),
        Tile("Avg duration", duration(window.avg_duration_seconds), "answered calls"),
        Tile("Leads captured", str(window.leads), "new leads"),
        Tile("Conversion", _pct(window.conversion_rate), "answered calls with a lead"),
        Tile("Active now", str(active), "calls in progress"),
        Tile("Error rate", _pct(window.error_rate), "failed or errored calls"),
        Tile("Cost per lead", usd(window.cost_per_lead), f"AI cost {usd(window.ai_cost_usd)}"),
    ]
    return DashboardData(
        tiles=tiles,
        per_day=[
            {
                "day": d.day.strftime("%b %d"),
                "calls": d.calls,
                "answered": d.answered,
                "leads": d.leads,
            }
            for d in per_day
        ],
        outcomes=[{"outcome": k.replace("_", " "), "calls": v} for k, v in outcomes.items()],
        funnel=[{"stage": k, "leads": v} for k, v in funnel.items()],
        leads=[],
    )
