"""Render the follow-up and team-notification emails from the Jinja2 templates (HTML + text)."""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from callcenter import phones
from callcenter.config import Settings
from callcenter.db.models import Call, Lead

_TEMPLATES = Path(__file__).parent / "templates"
MAX_EXCERPT_LINES = 8


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    html: str
    text: str


@dataclass(frozen=True, slots=True)
class Discussion:
    """What a call was about: the caller's lines (in order) and the lead's stated need."""

    caller_lines: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _render(name: str, subject: str, **context: object) -> Rendered:
    env = _environment()
    context = {"subject": subject, **context}
    return Rendered(
        subject=subject,
        html=env.get_template(f"{name}.html.j2").render(**context),
        text=env.get_template(f"{name}.txt.j2").render(**context),
    )


def _topics(lead: Lead) -> list[str]:
    topics: list[str] = []
    if lead.need:
        topics.append(lead.need[0].upper() + lead.need[1:])
    if lead.business_type:
        topics.append(f"Your business: {lead.business_type}")
    return topics


def render_followup(*, settings: Settings, lead: Lead) -> Rendered:
    """The email to the lead: thanks, what was discussed, and the next step."""
    first_name = lead.name.split()[0] if lead.name else None
    next_step = (
        f"Someone from our team will call you at {phones.display(lead.phone)} "
        "within one business day"
        if lead.phone
        else "Someone from our team will get in touch within one business day"
    )
    next_step += " to talk through how we can help."
    return _render(
        "followup",
        f"Thanks for calling {settings.company_name}",
        company=settings.company_name,
        first_name=first_name,
        topics=_topics(lead),
        next_step=next_step,
    )


def lead_url(settings: Settings, lead_id: int) -> str:
    """Where the lead lives in the dashboard."""
    return f"{settings.public_base_url}/leads/{lead_id}"


def render_team_notification(
    *,
    settings: Settings,
    lead: Lead,
    call: Call,
    discussion: Discussion,
    returning: bool = False,
) -> Rendered:
    """The email to the team: who called, what they need, and a link to the lead."""
    assert lead.id is not None
    who = lead.name or phones.display(lead.phone) or lead.email or f"lead #{lead.id}"
    business = f" ({lead.business_type})" if lead.business_type else ""
    kind = "Returning lead" if returning else "New lead"
    headline = f"{kind} from an {call.direction.value} call: {who}{business}"
    details = [
        ("Name", lead.name),
        ("Email", lead.email),
        ("Phone", phones.display(lead.phone) or None),
        ("Business", lead.business_type),
        ("Need", lead.need),
        ("Call", f"#{call.id}, {call.duration_seconds or 0} s, {call.status.value}"),
        ("Outcome", (call.outcome or "").replace("_", " ") or None),
        ("Next step", call.next_step),
        ("Sentiment", call.sentiment),
        ("Summary", call.summary),
    ]
    return _render(
        "team_notification",
        f"[{settings.company_name}] {kind}: {who}{business}",
        company=settings.company_name,
        headline=headline,
        details=details,
        excerpt=discussion.caller_lines[:MAX_EXCERPT_LINES],
        lead_url=lead_url(settings, lead.id),
    )
