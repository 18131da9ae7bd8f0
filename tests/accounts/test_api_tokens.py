"""API_TOKENS: several tokens accepted at once, so one can be replaced without downtime."""

from fastapi.testclient import TestClient

from callcenter.api import create_api
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.logs import redact, register_secrets


def _status_with(token: str) -> int:
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    with TestClient(create_api(settings)) as client:
        return client.get("/api/calls", headers={"Authorization": f"Bearer {token}"}).status_code


def test_every_listed_token_and_api_token_work_together(env: dict[str, str]) -> None:
    env["API_TOKENS"] = "next-token-aaaaaaaaaaaa, current-token-bbbbbbbbbb"
    assert get_settings().accepted_api_tokens == [
        "next-token-aaaaaaaaaaaa",
        "current-token-bbbbbbbbbb",
        env["API_TOKEN"],
    ]
    for token in ("next-token-aaaaaaaaaaaa", "current-token-bbbbbbbbbb", env["API_TOKEN"]):
        assert _status_with(token) == 200
    assert _status_with("retired-token-cccccccccc") == 401


def test_a_retired_token_stops_working_once_it_leaves_the_list(env: dict[str, str]) -> None:
    del env["API_TOKEN"]
    env["API_TOKENS"] = "old-token-aaaaaaaaaaaaaa,new-token-bbbbbbbbbbbbbb"
    assert _status_with("old-token-aaaaaaaaaaaaaa") == 200
    env["API_TOKENS"] = "new-token-bbbbbbbbbbbbbb"
    assert _status_with("old-token-aaaaaaaaaaaaaa") == 401
    assert _status_with("new-token-bbbbbbbbbbbbbb") == 200


def test_listed_tokens_are_never_logged(env: dict[str, str]) -> None:
    env["API_TOKENS"] = "secret-token-zzzzzzzzzzzz"
    register_secrets(get_settings())
    assert "secret-token-zzzzzzzzzzzz" not in redact("bearer is secret-token-zzzzzzzzzzzz")
