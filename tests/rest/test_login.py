"""`POST /api/auth/login` and `/logout`: a session for API clients, usable as a Bearer token."""

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from callcenter.accounts import service as accounts
from callcenter.db.models import Role
from callcenter.db.session import session_scope


def _bare(api: FastAPI) -> TestClient:
    return TestClient(api)


def test_login_returns_a_token_that_works_as_bearer_until_logout(api: FastAPI) -> None:
    with _bare(api) as client:
        response = client.post(
            "/api/auth/login", json={"email": "Admin@example.com", "password": "admin-password-1"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"token", "expires_at", "role"} and body["role"] == "manager"
        expires = datetime.fromisoformat(body["expires_at"])
        assert timedelta(hours=11) < expires - datetime.now(UTC) <= timedelta(hours=12)
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie

        bearer = {"Authorization": f"Bearer {body['token']}"}
        client.cookies.clear()
        assert client.get("/api/calls", headers=bearer).status_code == 200
        assert client.post("/api/auth/logout", headers=bearer).status_code == 204
        assert client.get("/api/calls", headers=bearer).status_code == 401


def test_a_rep_gets_a_rep_session(api: FastAPI) -> None:
    with session_scope() as session:
        accounts.create_user(
            session=session, email="rep@example.com", password="rep-pass-123", role=Role.rep
        )
    with _bare(api) as client:
        response = client.post(
            "/api/auth/login", json={"email": "rep@example.com", "password": "rep-pass-123"}
        )
    assert response.status_code == 200 and response.json()["role"] == "rep"


def test_wrong_password_is_401_and_repeated_failures_429(api: FastAPI) -> None:
    wrong = {"email": "admin@example.com", "password": "nope"}
    with _bare(api) as client:
        for _ in range(accounts.MAX_FAILED_LOGINS):
            refused = client.post("/api/auth/login", json=wrong)
            assert refused.status_code == 401 and refused.json()["detail"]
            assert "set-cookie" not in refused.headers
        right = {"email": "admin@example.com", "password": "admin-password-1"}
        limited = client.post("/api/auth/login", json=right)
        assert limited.status_code == 429 and "Too many" in limited.json()["detail"]


def test_the_cookie_is_secure_behind_https(api: FastAPI, env: dict[str, str]) -> None:
    env["PUBLIC_BASE_URL"] = "https://calls.example.com"
    with _bare(api) as client:
        response = client.post(
            "/api/auth/login", json={"email": "admin@example.com", "password": "admin-password-1"}
        )
    assert "Secure" in response.headers["set-cookie"]


def test_session_sets_the_cookie_for_a_signed_in_session_only(api: FastAPI) -> None:
    with _bare(api) as client:
        with session_scope() as session:
            signed = accounts.sign_in(
                session=session, email="admin@example.com", password="admin-password-1", ttl_hours=1
            )
        adopted = client.post(
            "/api/auth/session", headers={"Authorization": f"Bearer {signed.token}"}
        )
        assert adopted.status_code == 204
        cookie = adopted.headers["set-cookie"]
        assert cookie.startswith(f"cc_session={signed.token};")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        for bad in ("test-api-token-0123456789", "no-such-session", ""):
            refused = client.post("/api/auth/session", headers={"Authorization": f"Bearer {bad}"})
            assert refused.status_code == 401 and "set-cookie" not in refused.headers
