"""Every REST route × every kind of caller: who gets through, who gets 401 or 403, and that a
refused request changes nothing (CONTRACT.md, "Roles on the REST API")."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from callcenter.accounts import service as accounts
from callcenter.db.models import AuthSession, DoNotCall, Lead, Role
from callcenter.db.session import get_engine, session_scope
from callcenter.db.types import utcnow
from tests.conftest import TEST_API_TOKEN

ANY, MANAGER = "any signed-in caller", "manager rights"
LISTED = "+14155550100"  # on the do-not-call list before every caller's turn

# Routes nobody signs in for: health, metrics, Twilio (signature-checked), sign-in itself.
PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/api/health/live"),
    ("GET", "/metrics"),
    ("POST", "/api/inbound-call"),
    ("POST", "/api/outbound-call-webhook"),
    ("POST", "/api/call-status"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/session"),
    ("GET", "/api/softphone/static/{name}"),
}


@dataclass(frozen=True)
class Probe:
    """One request per route. `allowed_json` replaces the body for callers who get through,
    where the refused body would have a lasting effect (dialling someone)."""

    needs: str
    url: str
    json: dict[str, Any] | None = None
    allowed_json: dict[str, Any] | None = None


PROBES: dict[tuple[str, str], Probe] = {
    ("GET", "/api/calls"): Probe(ANY, "/api/calls"),
    ("GET", "/api/calls/{ref}"): Probe(ANY, "/api/calls/1"),
    ("GET", "/api/active-calls"): Probe(ANY, "/api/active-calls"),
    ("GET", "/api/leads"): Probe(ANY, "/api/leads"),
    ("GET", "/api/leads.csv"): Probe(ANY, "/api/leads.csv"),
    ("GET", "/api/leads/{lead_id}"): Probe(ANY, "/api/leads/1"),
    ("PATCH", "/api/leads/{lead_id}"): Probe(ANY, "/api/leads/1", {"status": "contacted"}),
    ("POST", "/api/leads/{lead_id}/notes"): Probe(ANY, "/api/leads/1/notes", {"text": "Hi"}),
    ("GET", "/api/do-not-call"): Probe(ANY, "/api/do-not-call"),
    ("POST", "/api/outbound-call"): Probe(
        MANAGER, "/api/outbound-call", {"to": "+14155550199"}, allowed_json={"to": "nope"}
    ),
    ("POST", "/api/do-not-call"): Probe(MANAGER, "/api/do-not-call", {"number": "+14155550123"}),
    ("DELETE", "/api/do-not-call/{number}"): Probe(MANAGER, f"/api/do-not-call/{LISTED}"),
    ("GET", "/api/calls/{ref}/recording"): Probe(ANY, "/api/calls/1/recording"),
    ("GET", "/api/campaigns"): Probe(ANY, "/api/campaigns"),
    ("GET", "/api/campaigns/{campaign_id}"): Probe(ANY, "/api/campaigns/1"),
    ("GET", "/api/campaigns/{campaign_id}/contacts"): Probe(ANY, "/api/campaigns/1/contacts"),
    ("POST", "/api/campaigns"): Probe(
        MANAGER, "/api/campaigns", {"name": "Spring", "contacts": [{"phone": "+14155550123"}]}
    ),
    ("POST", "/api/campaigns/{campaign_id}/contacts"): Probe(MANAGER, "/api/campaigns/1/contacts"),
    ("POST", "/api/campaigns/{campaign_id}/start"): Probe(MANAGER, "/api/campaigns/1/start"),
    ("POST", "/api/campaigns/{campaign_id}/pause"): Probe(MANAGER, "/api/campaigns/1/pause"),
    ("POST", "/api/campaigns/{campaign_id}/resume"): Probe(MANAGER, "/api/campaigns/1/resume"),
    ("POST", "/api/campaigns/{campaign_id}/cancel"): Probe(MANAGER, "/api/campaigns/1/cancel"),
    ("GET", "/api/webhooks"): Probe(MANAGER, "/api/webhooks"),
    ("POST", "/api/webhooks"): Probe(
        MANAGER,
        "/api/webhooks",
        {"url": "https://crm.example.com/hook", "events": ["lead.created"]},
    ),
    ("DELETE", "/api/webhooks/{endpoint_id}"): Probe(MANAGER, "/api/webhooks/1"),
    ("GET", "/api/webhooks/{endpoint_id}/deliveries"): Probe(MANAGER, "/api/webhooks/1/deliveries"),
    ("POST", "/api/webhooks/deliveries/{delivery_id}/resend"): Probe(
        MANAGER, "/api/webhooks/deliveries/1/resend"
    ),
}

CALLERS = ("no credentials", "API token", "manager", "rep", "expired session")


def _expected(caller: str, needs: str) -> set[int] | None:
    """The statuses a caller may get; None means "through": anything but 401 and 403."""
    if caller in ("no credentials", "expired session"):
        return {401}
    if caller == "rep" and needs == MANAGER:
        return {403}
    return None


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a request could change (sign-in bookkeeping aside)."""
    with get_engine().connect() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            )
            if row[0] not in ("auth_sessions", "login_attempts", "users", "alembic_version")
        ]
        return {t: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))] for t in tables}


@pytest.fixture
def app(api: FastAPI) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    with TestClient(api) as client:
        with session_scope() as session:
            accounts.create_user(
                session=session, email="rep@example.com", password="rep-pass-123", role=Role.rep
            )
            session.add(Lead(name="Dana Reyes", phone="+14155550111"))
            manager = accounts.sign_in(
                session=session, email="admin@example.com", password="admin-password-1", ttl_hours=1
            )
            rep = accounts.sign_in(
                session=session, email="rep@example.com", password="rep-pass-123", ttl_hours=1
            )
            stale = accounts.sign_in(
                session=session, email="rep@example.com", password="rep-pass-123", ttl_hours=1
            )
        with session_scope() as session:
            for row in session.exec(select(AuthSession)).all():
                if row.token_hash == accounts._sha256(stale.token):
                    row.expires_at = utcnow() - timedelta(seconds=1)
        headers = {
            "no credentials": {},
            "API token": {"Authorization": f"Bearer {TEST_API_TOKEN}"},
            "manager": {"Authorization": f"Bearer {manager.token}"},
            "rep": {"Authorization": f"Bearer {rep.token}"},
            "expired session": {"Authorization": f"Bearer {stale.token}"},
        }
        yield client, headers


def _schema_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.get("/api/openapi.json").json()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def test_every_route_declares_who_may_call_it(app: tuple[TestClient, Any]) -> None:
    client, _ = app
    undeclared = _schema_routes(client) - PUBLIC - set(PROBES)
    assert not undeclared, f"routes missing from the role matrix: {sorted(undeclared)}"


def test_the_whole_matrix(app: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = app
    seen: list[str] = []
    for caller in CALLERS:  # refused callers first: they must find everything untouched
        with session_scope() as session:
            if not session.exec(select(DoNotCall).where(DoNotCall.number == LISTED)).first():
                session.add(DoNotCall(number=LISTED, source="api"))
        for (method, route), probe in PROBES.items():
            expected = _expected(caller, probe.needs)
            body = (
                probe.json
                if expected is not None or probe.allowed_json is None
                else probe.allowed_json
            )
            before = _snapshot()
            response = client.request(method, probe.url, json=body, headers=headers[caller])
            what = f"{caller}: {method} {route} -> {response.status_code} {response.text[:200]}"
            seen.append(what)
            if expected is None:
                assert response.status_code not in (401, 403), what
                continue
            assert response.status_code in expected, what
            assert response.json()["detail"], what
            if response.status_code == 403:
                assert "manager" in response.json()["detail"], what
            assert _snapshot() == before, f"refused, yet something changed: {what}"
    assert len(seen) == len(CALLERS) * len(PROBES)


def test_a_rep_cannot_do_through_the_api_what_the_dashboard_forbids(
    app: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = app
    rep = headers["rep"]
    placed = client.post("/api/outbound-call", json={"to": "+14155550199"}, headers=rep)
    assert placed.status_code == 403
    assert "manager" in placed.json()["detail"] and "rep" in placed.json()["detail"]
    assert client.get("/api/calls", headers=rep).json()["total"] == 0
    # What a rep may do, they can: read, edit a lead, add a note.
    assert (
        client.patch("/api/leads/1", json={"status": "contacted"}, headers=rep).status_code == 200
    )
    note = client.post("/api/leads/1/notes", json={"text": "Called back"}, headers=rep)
    assert note.status_code == 201
