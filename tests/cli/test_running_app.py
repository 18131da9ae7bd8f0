"""Commands find the app already serving on this machine and get into its API."""

import httpx

from callcenter.api import create_api
from callcenter.cli.running_app import answers, candidate_urls, connect
from callcenter.config import Settings, get_settings
from tests.support.app_server import serve_in_thread
from tests.support.servers import free_port


def test_candidates_follow_public_base_url_then_port_then_the_usual_ports(
    settings: Settings,
) -> None:
    env = {"PORT": "3005"}
    assert candidate_urls(settings, env) == [
        "http://localhost:3005",
        "http://localhost:3000",
        "http://localhost:8000",
    ]
    env["PUBLIC_BASE_URL"] = "http://calls.example.com"
    custom = Settings(public_base_url="http://calls.example.com")
    assert candidate_urls(custom, env)[0] == "http://calls.example.com"


def test_the_running_app_is_found_by_its_port_and_its_api_lets_the_command_in(
    migrated: Settings, env: dict[str, str]
) -> None:
    port = free_port()
    env["PORT"] = str(port)
    del env["API_TOKEN"]  # the generated token is stored hashed: the command signs in instead
    settings = get_settings()
    assert not answers(f"http://localhost:{port}")
    with serve_in_thread(create_api(settings), port=port):
        app = connect(settings)
        assert app is not None and app.base_url == f"http://localhost:{port}"
        with app.client() as api:
            assert api.get("/api/calls").status_code == 200
        assert httpx.get(f"http://localhost:{port}/api/calls").status_code == 401
