"""Commands find the app already serving on this machine and get into its API."""

from fastapi import FastAPI

from callcenter.api import create_api
from callcenter.cli.running_app import answers, candidate_urls, find_running_app
from callcenter.config import Settings, get_settings
from tests.support.app_server import serve_in_thread
from tests.support.servers import free_port


def test_candidates_are_public_base_url_else_port_else_the_usual_ports(
    settings: Settings,
) -> None:
    assert candidate_urls(settings, {}) == ["http://localhost:3000", "http://localhost:8000"]
    assert candidate_urls(settings, {"PORT": "3005"}) == ["http://localhost:3005"]
    custom = Settings(public_base_url="http://calls.example.com/")
    env = {"PORT": "3005", "PUBLIC_BASE_URL": "http://calls.example.com/"}
    assert candidate_urls(custom, env) == ["http://calls.example.com"]


def test_the_running_app_is_found_by_its_port(migrated: Settings, env: dict[str, str]) -> None:
    port = free_port()
    env["PORT"] = str(port)
    settings = get_settings()
    assert find_running_app(settings) is None
    with serve_in_thread(create_api(settings), port=port):
        assert find_running_app(settings) == f"http://localhost:{port}"
    with serve_in_thread(_not_ours(), port=port):  # something else on the port is not the app
        assert not answers(f"http://localhost:{port}")


def _not_ours() -> FastAPI:
    other = FastAPI()

    @other.get("/api/health")
    def _health() -> dict[str, str]:
        return {"status": "ok"}

    return other
