"""The whole app (`reflex run --env prod`) started once per test session, and Chromium."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support.servers import RedisServer, free_port

if TYPE_CHECKING:
    from tests.ui.pages import Tab

ROOT = Path(__file__).resolve().parents[2]
# The pages as the tests leave them; `SCREENSHOTS_DIR=docs/screenshots` refreshes the README's.
SCREENSHOTS = ROOT / os.environ.get("SCREENSHOTS_DIR", "var/screenshots")
MANAGER = ("admin@example.com", "admin-password-1")
REP = ("rep@example.com", "rep-password-1")
API_TOKEN = "ui-test-token-0123456789"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 240.0


@dataclass(frozen=True)
class RunningApp:
    base_url: str
    api_token: str
    log: Path

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.api_token}"},
            timeout=10.0,
        )


def _app_env(workdir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "OPENAI_"))}
    venv_bin = str(Path(sys.executable).parent)
    env.update(
        PATH=f"{venv_bin}:{env.get('PATH', '')}",
        DATABASE_URL=f"sqlite:///{workdir / 'ui.db'}",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        API_TOKEN=API_TOKEN,
        ADMIN_EMAIL=MANAGER[0],
        ADMIN_PASSWORD=MANAGER[1],
        CARRIER="simulator",
        VOICE_ENGINE="local",
        CALLING_HOURS="00:00-24:00",
        OUTBOX_DIR=str(workdir / "outbox"),
        UI_TEST_HOOKS="true",
        REFLEX_USE_NPM="1",
        REFLEX_CHECK_LATEST_VERSION="0",
        REFLEX_TELEMETRY_ENABLED="false",
    )
    for name in ("REDIS_URL", "RESEND_API_KEY", "RESEND_API_URL", "TEAM_NOTIFY_EMAILS"):
        env.pop(name, None)
    return env


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "callcenter", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _wait_ready(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=2).status_code == 200:
                if httpx.get(f"{base_url}/login", timeout=5, follow_redirects=True).is_success:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)  # nothing to wait on: the app is another process still building
    raise TimeoutError(f"the app did not come up in {START_TIMEOUT} s:\n{log.read_text()[-4000:]}")


@contextmanager
def running_app(workdir: Path, name: str, **extra_env: str) -> Iterator[RunningApp]:
    """`reflex run --env prod` on one free port, seeded with demo data and a rep user.

    Only one app may run at a time: each build writes its port into the shared `.web/`."""
    port = free_port()
    env = _app_env(workdir, port) | extra_env
    _cli(env, "migrate")
    _cli(env, "seed-demo")
    # Any existing user stops the admin bootstrap, so create the manager explicitly too.
    _cli(env, "create-user", MANAGER[0], "--role", "manager", "--password", MANAGER[1])
    _cli(env, "create-user", REP[0], "--role", "rep", "--password", REP[1])
    log = ROOT / "var" / "ui-tests" / f"{name}.log"  # kept after the run (var/ is not committed)
    log.parent.mkdir(parents=True, exist_ok=True)
    command = ["reflex", "run", "--env", "prod", "--frontend-port", str(port)]
    command += ["--backend-port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base_url, proc, log)
        yield RunningApp(base_url=base_url, api_token=API_TOKEN, log=log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed (apt-get install chromium)")


class AppPool:
    """Keeps at most one app running (each build writes its port into the shared `.web/`):
    the same setup is reused by every module that asks for it, another one replaces it."""

    def __init__(self, tmp: pytest.TempPathFactory) -> None:
        self._tmp = tmp
        self._name = ""
        self._app: RunningApp | None = None
        self._stack = ExitStack()

    def get(self, name: str, **extra_env: str) -> RunningApp:
        if self._app is None or self._name != name:
            self.close()
            workdir = self._tmp.mktemp(name)
            self._app = self._stack.enter_context(running_app(workdir, name, **extra_env))
            self._name = name
        return self._app

    def close(self) -> None:
        self._stack.close()
        self._stack, self._app, self._name = ExitStack(), None, ""


@pytest.fixture(scope="session")
def app_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppPool]:
    pool = AppPool(tmp_path_factory)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="module")
def app_server(app_pool: AppPool) -> Iterator[RunningApp]:
    """The whole app, one process, shared by the modules that use it (built once per run).

    UI_TEST_BASE_URL points the tests at an app already running with the same setup instead."""
    _need_chromium()
    if os.environ.get("UI_TEST_BASE_URL"):
        yield RunningApp(
            base_url=os.environ["UI_TEST_BASE_URL"].rstrip("/"),
            api_token=os.environ.get("UI_TEST_API_TOKEN", API_TOKEN),
            log=Path(os.devnull),
        )
        return
    yield app_pool.get("app")


@pytest.fixture(scope="module")
def app_server_redis(app_pool: AppPool, redis: RedisServer) -> Iterator[RunningApp]:
    """The whole app with REDIS_URL set: Reflex then runs several backend workers."""
    _need_chromium()
    yield app_pool.get("app-redis", REDIS_URL=redis.url)
    app_pool.close()  # before the Redis server it uses goes away


@pytest.fixture(scope="package")
def browser() -> Iterator["object"]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def manager(browser: Any, app_server: RunningApp) -> "Tab":
    """A browser tab signed in as the manager, on the Dashboard."""
    from tests.ui.pages import open_tab, sign_in

    tab = open_tab(browser, app_server)
    sign_in(tab, *MANAGER)
    return tab


@pytest.fixture
def rep(browser: Any, app_server: RunningApp) -> "Tab":
    """A browser tab signed in as a rep, on the Dashboard."""
    from tests.ui.pages import open_tab, sign_in

    tab = open_tab(browser, app_server)
    sign_in(tab, *REP)
    return tab
