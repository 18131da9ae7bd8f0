"""Rows for the webhooks page, and adding / deleting endpoints and resending deliveries."""

from dataclasses import dataclass

from callcenter.db.models import DeliveryStatus
from callcenter.db.repo import webhooks as webhooks_repo
from callcenter.db.session import session_scope
from callcenter.ui.format import timestamp
from callcenter.webhooks import endpoints
from callcenter.webhooks.events import EVENT_TYPES

DELIVERY_PAGE = 50


@dataclass
class EndpointRow:
    id: int = 0
    url: str = ""
    events: str = ""
    created: str = ""


@dataclass
class DeliveryRow:
    id: int = 0
    event_id: str = ""
    type: str = ""
    attempts: int = 0
    status: str = ""
    last_error: str = ""
    when: str = ""
    failed: bool = False


def load_endpoints() -> list[EndpointRow]:
    with session_scope() as session:
        return [
            EndpointRow(
                id=e.id or 0,
                url=e.url,
                events=", ".join(e.events.split(",")),
                created=timestamp(e.created_at),
            )
            for e in webhooks_repo.list_endpoints(session=session)
        ]


def load_deliveries(endpoint_id: int) -> list[DeliveryRow]:
    with session_scope() as session:
        page = webhooks_repo.list_deliveries(
            session=session, endpoint_id=endpoint_id, limit=DELIVERY_PAGE
        )
        return [
            DeliveryRow(
                id=d.id or 0,
                event_id=d.event_id,
                type=d.event_type,
                attempts=d.attempts,
                status="pending" if d.status == DeliveryStatus.sending else d.status.value,
                last_error=d.last_error or "",
                when=timestamp(d.delivered_at or d.created_at),
                failed=d.status == DeliveryStatus.failed,
            )
            for d in page.items
        ]


def add_endpoint(url: str, events: list[str]) -> tuple[int, str]:
    """Register an endpoint; returns its id and secret (shown once). ValueError when refused."""
    with session_scope() as session:
        endpoint = endpoints.register(session=session, url=url, events=events)
        return endpoint.id or 0, endpoint.secret


def delete_endpoint(endpoint_id: int) -> None:
    with session_scope() as session:
        webhooks_repo.delete_endpoint(session=session, endpoint_id=endpoint_id)


def resend_delivery(delivery_id: int) -> bool:
    with session_scope() as session:
        return endpoints.resend(session=session, delivery_id=delivery_id) is not None


ALL_EVENTS = list(EVENT_TYPES)
