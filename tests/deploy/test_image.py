"""The container image: built from the Dockerfile, run as it would be deployed, healthy on
$PORT, serving the dashboard compiled at build time, and placing a simulated call end to end."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.docker_engine import DockerEngine, EngineUnavailable, docker_engine

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "callcenter:image-test"
TOKEN = "image-test-token-0123456789"
PORT = "8080"  # not the default 3000: the health check and the server must follow $PORT

# The first test builds the image (minutes on a cold cache).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def _base_image() -> tuple[str, str]:
    """The Dockerfile's `FROM` tag and the Debian suite it names."""
    match = re.search(r"^FROM\s+(debian:(\w+)\S*)", (ROOT / "Dockerfile").read_text(), re.M)
    assert match, "the Dockerfile must start from a Debian image"
    return match.group(1), match.group(2)


@pytest.fixture(scope="module")
def engine(pytestconfig: pytest.Config) -> Iterator[DockerEngine]:
    try:
        with docker_engine() as found:
            yield found
            report = ", ".join(f"{name} {secs:.0f} s" for name, secs in found.timings.items())
            if report:  # shown on the terminal even when output is captured
                capture = pytestconfig.pluginmanager.getplugin("capturemanager")
                with capture.global_and_fixture_disabled():
                    print(f"\nimage test timings: {report}")  # noqa: T201
    except EngineUnavailable as exc:
        pytest.skip(f"IMAGE TEST NOT RUN: no Docker engine here: {exc}")


@pytest.fixture(scope="module")
def image(engine: DockerEngine) -> str:
    tag, suite = _base_image()
    engine.ensure_debian_base(tag, suite)
    engine.build(ROOT, IMAGE)
    return IMAGE


@pytest.fixture(scope="module")
def container(engine: DockerEngine, image: str) -> Iterator[str]:
    name = f"cc-image-test-{int(time.time())}"
    engine.run(
        "run", "-d", "--name", name, "-p", f"127.0.0.1::{PORT}",
        "-e", f"PORT={PORT}", "-e", f"API_TOKEN={TOKEN}", "-e", "ADMIN_PASSWORD=admin-pass-123",
        "--health-interval", "2s", "--health-timeout", "5s", "--health-start-period", "2s",
        image,
    )  # fmt: skip
    try:
        yield name
    finally:
        logs = engine.run("logs", "--tail", "40", name, check=False)
        print(logs.stdout.decode(errors="replace"), logs.stderr.decode(errors="replace"))  # noqa: T201
        engine.run("rm", "-f", name, check=False)


@pytest.fixture(scope="module")
def base_url(engine: DockerEngine, container: str) -> str:
    published = engine.text("port", container, PORT)  # e.g. "127.0.0.1:49153"
    url = f"http://{published.splitlines()[0]}"
    started = time.monotonic()
    while time.monotonic() - started < 120:
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                engine.timings["container start to healthy"] = time.monotonic() - started
                return url
        except httpx.TransportError:
            pass
        state = engine.text("inspect", "-f", "{{.State.Status}}", container)
        assert state == "running", f"the container stopped: {state}"
        time.sleep(0.5)
    raise AssertionError("GET /api/health never answered 200 within 120 s")


def test_the_dockerfile_hides_no_failures_and_keeps_secrets_out() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "|| true" not in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "*.db", ".git", ".web"} <= set(ignored)


def test_health_is_200_and_the_dashboard_is_served_compiled(base_url: str) -> None:
    health = httpx.get(f"{base_url}/api/health", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    page = httpx.get(f"{base_url}/login", timeout=5, follow_redirects=True)
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>")


def test_it_runs_as_an_unprivileged_user_without_the_build_context_secrets(
    engine: DockerEngine, container: str, base_url: str
) -> None:
    assert engine.text("exec", container, "id", "-u") != "0"
    present = engine.run(
        "exec", container, "sh", "-c", "ls -a /app; test ! -e /app/.env && test ! -e /app/.venv"
    )
    listing = present.stdout.decode().split()
    assert "tests" not in listing and "callcenter" in listing


def test_the_health_check_follows_port(engine: DockerEngine, container: str, base_url: str) -> None:
    deadline = time.monotonic() + 60
    status = ""
    while time.monotonic() < deadline:
        status = engine.text("inspect", "-f", "{{.State.Health.Status}}", container)
        if status != "starting":
            break
        time.sleep(1)
    assert status == "healthy"


def test_a_simulated_outbound_call_completes_through_the_container(base_url: str) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    placed = httpx.post(
        f"{base_url}/api/outbound-call", json={"to": "+14155550199"}, headers=auth, timeout=10
    )
    assert placed.status_code == 201, placed.text
    call_id = placed.json()["id"]
    deadline = time.monotonic() + 120
    call: dict[str, object] = {}
    while time.monotonic() < deadline:
        call = httpx.get(f"{base_url}/api/calls/{call_id}", headers=auth, timeout=5).json()
        if call["status"] not in ("queued", "ringing", "in-progress"):
            break
        time.sleep(1)
    assert call["status"] == "completed", call
    assert call["transcript"], "the simulated caller and the agent said nothing"
