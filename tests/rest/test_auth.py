"""REST auth: every non-Twilio route needs the API token or a dashboard session."""

import pytest
from fastapi.testclient import TestClient

from callcenter.accounts import service as accounts
from callcenter.db.session import session_scope


@pytest.mark.parametrize("path", ["/api/calls", "/api/leads", "/api/active-calls", "/api/calls/1"])
def test_missing_or_wrong_token_is_401(client: TestClient, path: str) -> None:
    assert client.get(path, headers={"Authorization": ""}).status_code == 401
    wrong = client.get(path, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert "detail" in wrong.json()


def test_right_token_reads_empty_pages(client: TestClient) -> None:
    body = client.get("/api/calls").json()
    assert body == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert client.get("/api/leads").json()["total"] == 0
    assert client.get("/api/active-calls").json() == {"items": []}


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert client.get("/api/calls/999").status_code == 404
    assert client.get("/api/calls/CA0000").status_code == 404
    assert client.get("/api/leads/999").status_code == 404


def test_a_dashboard_session_token_is_accepted(client: TestClient) -> None:
    with session_scope() as session:
        signed = accounts.sign_in(
            session=session, email="admin@example.com", password="admin-password-1", ttl_hours=1
        )
    response = client.get("/api/calls", headers={"Authorization": f"Bearer {signed.token}"})
    assert response.status_code == 200


def test_generated_token_is_stored_hashed_and_works(env: dict[str, str]) -> None:
    del env["API_TOKEN"]
    from callcenter.api import create_api, prepare_database
    from callcenter.config import get_settings

    settings = get_settings()
    prepare_database(settings)
    with session_scope() as session:
        assert accounts.ensure_api_token(session=session, settings=settings) is None
        token = "x"
        assert not accounts.api_token_valid(session=session, settings=settings, presented=token)
    app = create_api(settings)
    with TestClient(app) as test_client:
        assert test_client.get("/api/calls").status_code == 401
