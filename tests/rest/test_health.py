"""Health: 200 with every dependency up; 503 naming the database when it is down."""

from fastapi.testclient import TestClient

from callcenter.config import get_settings
from callcenter.db import session as db_session


def test_health_is_ok_with_the_database_up(client: TestClient) -> None:
    response = client.get("/api/health", headers={"Authorization": ""})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"


def test_health_is_503_when_the_database_is_unreachable(client: TestClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = get_settings().database_url
    # Point the live engine at a directory that cannot hold a database file.
    db_session._engines[url] = db_session.make_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"].startswith("down")
