"""Creating campaigns, adding contacts and moving a campaign through its statuses (sync)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from callcenter.campaigns import events
from callcenter.campaigns.contacts import Parsed, Refusal
from callcenter.db.campaign_models import Campaign, CampaignStatus
from callcenter.db.repo import campaigns as repo
from callcenter.db.types import utcnow

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[CampaignStatus], CampaignStatus]] = {
    "start": (frozenset({CampaignStatus.draft}), CampaignStatus.running),
    "pause": (frozenset({CampaignStatus.running}), CampaignStatus.paused),
    "resume": (frozenset({CampaignStatus.paused}), CampaignStatus.running),
    "cancel": (
        frozenset({CampaignStatus.draft, CampaignStatus.running, CampaignStatus.paused}),
        CampaignStatus.cancelled,
    ),
}
ACCEPTS_CONTACTS = frozenset({CampaignStatus.draft, CampaignStatus.running, CampaignStatus.paused})
CANCELLED_REASON = "the campaign was cancelled before this contact was called"


class CampaignConflict(Exception):
    """The campaign is in a status that does not allow this (HTTP 409)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def __repr__(self) -> str:
        return f"CampaignConflict({self.detail!r})"


@dataclass
class ImportReport:
    added: int = 0
    merged: int = 0
    invalid: list[Refusal] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "merged": self.merged,
            "invalid": [r.to_json() for r in self.invalid],
        }


def create(
    *, session: Session, fields: dict[str, Any], contacts: Parsed
) -> tuple[Campaign, ImportReport]:
    campaign = repo.create_campaign(session=session, **fields)
    assert campaign.id is not None
    result = repo.add_contacts(session=session, campaign_id=campaign.id, contacts=contacts.contacts)
    return campaign, ImportReport(result.added, result.merged, contacts.invalid)


def add_contacts(*, session: Session, campaign: Campaign, contacts: Parsed) -> ImportReport:
    if CampaignStatus(campaign.status) not in ACCEPTS_CONTACTS:
        raise CampaignConflict(f"a {campaign.status} campaign takes no new contacts")
    assert campaign.id is not None
    result = repo.add_contacts(session=session, campaign_id=campaign.id, contacts=contacts.contacts)
    if result.added and campaign.status == CampaignStatus.running:
        campaign.completed_at = None
    return ImportReport(result.added, result.merged, contacts.invalid)


def transition(*, session: Session, campaign: Campaign, action: str) -> Campaign:
    """Apply start / pause / resume / cancel atomically, or raise `CampaignConflict`."""
    sources, target = TRANSITIONS[action]
    now = utcnow()
    extra: dict[str, Any] = {"status": target.value, "updated_at": now}
    if action == "start":
        extra["started_at"] = now
    if target is CampaignStatus.cancelled:
        extra["completed_at"] = now
    result = session.execute(
        update(Campaign)
        .where(
            col(Campaign.id) == campaign.id,
            col(Campaign.status).in_([s.value for s in sources]),
        )
        .values(**extra)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        session.refresh(campaign)
        raise CampaignConflict(f"cannot {action} a {campaign.status} campaign")
    assert campaign.id is not None
    if target is CampaignStatus.cancelled:
        repo.skip_open(session=session, campaign_id=campaign.id, reason=CANCELLED_REASON)
    session.refresh(campaign)
    return campaign


def campaign_json(campaign: Campaign, counts: dict[str, int]) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": campaign.id,
        "name": campaign.name,
        "status": campaign.status,
        "max_concurrent": campaign.max_concurrent,
        "calls_per_minute": campaign.calls_per_minute,
        "retry": {
            "max_attempts": campaign.max_attempts,
            "retry_after_seconds": campaign.retry_after_seconds,
            "retry_on": [x for x in campaign.retry_on.split(",") if x],
        },
        "instructions": campaign.instructions,
        "counts": counts,
        "created_at": iso(campaign.created_at),
        "started_at": iso(campaign.started_at),
        "completed_at": iso(campaign.completed_at),
    }


def describe(*, session: Session, campaigns: Sequence[Campaign]) -> list[dict[str, Any]]:
    ids = [c.id for c in campaigns if c.id is not None]
    all_counts = repo.counts(session=session, campaign_ids=ids)
    return [campaign_json(c, all_counts[c.id]) for c in campaigns if c.id is not None]


def announce(campaign_id: int | None) -> None:
    """After a commit: live views refresh, dialers look for work at once."""
    if campaign_id is not None:
        events.work_ready(campaign_id)
