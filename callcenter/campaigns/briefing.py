"""What the agent is told on a campaign's call: the contact's name and the campaign's script."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from callcenter.db.campaign_models import Campaign, CampaignAttempt, CampaignContact


@dataclass(frozen=True, slots=True)
class Briefing:
    contact_name: str | None
    company: str | None
    instructions: str | None

    def add_to(self, base: str) -> str:
        """`base` instructions with the campaign's own added after them."""
        parts = [base]
        if self.instructions:
            parts.append("Campaign instructions for this call:\n" + self.instructions.strip())
        if self.company:
            parts.append(f"The person you are calling works at {self.company}.")
        return "\n\n".join(parts)


def briefing_for_call(*, session: Session, call_id: int) -> Briefing | None:
    """The briefing for call `call_id` when a campaign placed it, else None."""
    row = session.exec(
        select(CampaignContact, Campaign)
        .join(CampaignAttempt, col(CampaignAttempt.contact_id) == col(CampaignContact.id))
        .join(Campaign, col(Campaign.id) == col(CampaignAttempt.campaign_id))
        .where(CampaignAttempt.call_id == call_id)
    ).first()
    if row is None:
        return None
    contact, campaign = row
    return Briefing(
        contact_name=contact.name, company=contact.company, instructions=campaign.instructions
    )
