"""Registering endpoints and resending deliveries: the rules the API and the dashboard share."""

from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlmodel import Session

from callcenter.db.models import WebhookDelivery, WebhookEndpoint
from callcenter.db.repo import webhooks as webhooks_repo
from callcenter.db.types import utcnow
from callcenter.webhooks.events import EVENT_TYPES, wake
from callcenter.webhooks.signing import new_secret


def check_url(url: str) -> str:
    """The URL stripped; ValueError unless it is http(s) with a host."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("The URL must start with http:// or https:// and name a host.")
    if len(url) > 2000:
        raise ValueError("The URL is too long.")
    return url


def register(*, session: Session, url: str, events: Sequence[str]) -> WebhookEndpoint:
    """A new endpoint with a fresh secret, for the known `events` (in their canonical order)."""
    chosen = [e for e in EVENT_TYPES if e in events]
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise ValueError(f"Unknown event types: {', '.join(unknown)}.")
    if not chosen:
        raise ValueError("Choose at least one event.")
    return webhooks_repo.create_endpoint(
        session=session, url=check_url(url), events=chosen, secret=new_secret()
    )


def resend(*, session: Session, delivery_id: int) -> WebhookDelivery | None:
    """Try a failed delivery again: same `webhook-id`, a fresh set of attempts, due now.
    Commits, then wakes the delivery worker."""
    row = webhooks_repo.resend(session=session, delivery_id=delivery_id, now=utcnow())
    if row is not None:
        session.commit()
        wake()
    return row
