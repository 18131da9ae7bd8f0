"""Cookie-authenticated writes must come from our own pages; reads and Bearer calls pass."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from callcenter.accounts import service as accounts
from callcenter.db.session import session_scope
from callcenter.rest.deps import SESSION_COOKIE

OWN = "http://testserver"


@pytest.fixture
def browser(api: FastAPI) -> Iterator[TestClient]:
    """A client holding only the dashboard's session cookie, as a browser would."""
    with TestClient(api, base_url=OWN) as client:
        with session_scope() as session:
            signed = accounts.sign_in(
                session=session, email="admin@example.com", password="admin-password-1", ttl_hours=1
            )
        client.cookies.set(SESSION_COOKIE, signed.token)
        yield client


def _listed(client: TestClient) -> list[str]:
    response = client.get("/api/do-not-call")
    assert response.status_code == 200
    return [row["number"] for row in response.json()["items"]]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "null"},
        {},
    ],
)
def test_a_cross_site_or_unattributed_cookie_write_is_refused_and_changes_nothing(
    browser: TestClient, headers: dict[str, str]
) -> None:
    refused = browser.post("/api/do-not-call", json={"number": "+14155550101"}, headers=headers)
    assert refused.status_code == 403
    assert "cross-site" in refused.json()["detail"]
    assert _listed(browser) == []


@pytest.mark.parametrize(
    "headers",
    [{"Origin": OWN}, {"Referer": f"{OWN}/do-not-call"}, {"Origin": "http://localhost:8000"}],
)
def test_a_cookie_write_from_our_own_pages_goes_through(
    browser: TestClient, headers: dict[str, str]
) -> None:
    # http://localhost:8000 is PUBLIC_BASE_URL's default origin, reached through a proxy.
    created = browser.post("/api/do-not-call", json={"number": "+14155550101"}, headers=headers)
    assert created.status_code == 201, created.text
    assert _listed(browser) == ["+14155550101"]


def test_cookie_reads_and_bearer_writes_need_no_origin(
    browser: TestClient, client: TestClient
) -> None:
    assert browser.get("/api/calls", headers={"Origin": "https://evil.example"}).status_code == 200
    created = client.post(
        "/api/do-not-call", json={"number": "+14155550102"}, headers={"Origin": "https://x.example"}
    )
    assert created.status_code == 201
