"""Routes for outgoing webhook endpoints: register (the secret is shown only then), list,
delete, the delivery log of one endpoint, and resending a failed delivery."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel, Field, field_validator

from callcenter.calls.views import IsoTime
from callcenter.db.models import WebhookDelivery, WebhookEndpoint
from callcenter.db.repo import webhooks as webhooks_repo
from callcenter.rest.deps import SessionDep
from callcenter.rest.roles import ManagerPrincipal
from callcenter.rest.schemas import ItemsOut, PageOut
from callcenter.webhooks import endpoints
from callcenter.webhooks.endpoints import check_url
from callcenter.webhooks.events import EventType

# Manager-only by the contract; the token and sessions are checked here, roles where routes
# get their role dependencies.
router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])


class EndpointIn(BaseModel):
    url: str = Field(max_length=2000)
    events: list[EventType] = Field(min_length=1)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_url(value)


class EndpointOut(BaseModel):
    """A registered endpoint (never with its secret)."""

    id: int
    url: str
    events: list[str]
    created_at: IsoTime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> "EndpointOut":
        assert endpoint.id is not None
        events = [e for e in endpoint.events.split(",") if e]
        return cls(id=endpoint.id, url=endpoint.url, events=events, created_at=endpoint.created_at)


class EndpointCreatedOut(EndpointOut):
    """The endpoint just registered, with its `whsec_…` secret: shown only here."""

    secret: str


class DeliveryOut(BaseModel):
    """One event for one endpoint, as the delivery log shows it."""

    id: int
    event_id: str
    type: str
    attempts: int
    status: str  # pending | delivered | failed
    last_error: str | None
    delivered_at: IsoTime | None
    created_at: IsoTime
    call_id: int | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> "DeliveryOut":
        assert delivery.id is not None
        # A delivery being attempted right now is still pending to the outside.
        status = "pending" if delivery.status == "sending" else delivery.status.value
        return cls(
            id=delivery.id,
            event_id=delivery.event_id,
            type=delivery.event_type,
            attempts=delivery.attempts,
            status=status,
            last_error=delivery.last_error,
            delivered_at=delivery.delivered_at,
            created_at=delivery.created_at,
            call_id=delivery.call_id,
        )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EndpointCreatedOut)
def create_endpoint(
    body: EndpointIn, session: SessionDep, _auth: ManagerPrincipal
) -> EndpointCreatedOut:
    endpoint = endpoints.register(session=session, url=body.url, events=body.events)
    return EndpointCreatedOut(**EndpointOut.of(endpoint).model_dump(), secret=endpoint.secret)


@router.get("", response_model=ItemsOut[EndpointOut])
def list_endpoints(session: SessionDep, _auth: ManagerPrincipal) -> ItemsOut[EndpointOut]:
    return ItemsOut(
        items=[EndpointOut.of(e) for e in webhooks_repo.list_endpoints(session=session)]
    )


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_endpoint(endpoint_id: int, session: SessionDep, _auth: ManagerPrincipal) -> Response:
    if not webhooks_repo.delete_endpoint(session=session, endpoint_id=endpoint_id):
        raise HTTPException(status_code=404, detail=f"no webhook endpoint with id {endpoint_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{endpoint_id}/deliveries", response_model=PageOut[DeliveryOut])
def list_deliveries(
    endpoint_id: int,
    session: SessionDep,
    _auth: ManagerPrincipal,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PageOut[DeliveryOut]:
    if webhooks_repo.get_endpoint(session=session, endpoint_id=endpoint_id) is None:
        raise HTTPException(status_code=404, detail=f"no webhook endpoint with id {endpoint_id}")
    page = webhooks_repo.list_deliveries(
        session=session, endpoint_id=endpoint_id, limit=limit, offset=offset
    )
    return PageOut.of(page, DeliveryOut.of)


@router.post("/deliveries/{delivery_id}/resend", response_model=DeliveryOut)
def resend_delivery(delivery_id: int, session: SessionDep, _auth: ManagerPrincipal) -> DeliveryOut:
    """Try a failed delivery again (same `webhook-id`, a fresh set of attempts)."""
    row = endpoints.resend(session=session, delivery_id=delivery_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no failed delivery with id {delivery_id}")
    return DeliveryOut.of(row)
