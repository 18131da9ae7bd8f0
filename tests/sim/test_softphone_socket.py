"""`WS /api/softphone` refuses strangers and serves its scripts."""

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from callcenter.sim.softphone import UNAUTHORIZED


def test_a_browser_without_a_session_or_token_is_turned_away(client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect("/api/softphone") as ws,
    ):
        ws.receive_text()
    assert closed.value.code == UNAUTHORIZED


def test_a_wrong_token_is_turned_away(client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect("/api/softphone?token=nope") as ws,
    ):
        ws.receive_text()
    assert closed.value.code == UNAUTHORIZED


@pytest.mark.parametrize("name", ["softphone.js", "ulaw-worklet.js"])
def test_the_page_scripts_are_served(client: TestClient, name: str) -> None:
    response = client.get(f"/api/softphone/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")


def test_nothing_else_is_served_from_the_scripts_folder(client: TestClient) -> None:
    assert client.get("/api/softphone/static/..%2F..%2Fpyproject.toml").status_code == 404
