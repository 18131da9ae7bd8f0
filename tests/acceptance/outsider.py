"""The product as an outsider runs it: `uvicorn --factory` and `python -m callcenter`."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
API_TOKEN = "acceptance-token-0123456789"
ADMIN_EMAIL = "admin@example.com"
START_SECONDS = 60.0

# Variables of the contract that a developer's shell might set; the outsider starts clean.
_CONTRACT_VARS = (
    "DATABASE_URL PUBLIC_BASE_URL CARRIER TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_PHONE_NUMBER "
    "TWILIO_API_BASE_URL VOICE_ENGINE OPENAI_API_KEY OPENAI_BASE_URL RESEND_API_KEY RESEND_API_URL "
    "EMAIL_FROM TEAM_NOTIFY_EMAILS API_TOKEN ADMIN_EMAIL ADMIN_PASSWORD REDIS_URL COMPANY_NAME "
    "AGENT_INSTRUCTIONS TRANSFER_NUMBER ALLOWED_COUNTRIES CALLING_HOURS AUTO_MIGRATE "
    "BACKGROUND_WORKERS"
).split()


def outsider_env(workdir: Path, port: int, **extra: str) -> dict[str, str]:
    """The environment of a fresh install on the embedded defaults, serving on `port`."""
    env = {k: v for k, v in os.environ.items() if k not in _CONTRACT_VARS}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{workdir / 'callcenter.db'}",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        API_TOKEN=API_TOKEN,
        ADMIN_EMAIL=ADMIN_EMAIL,
        ADMIN_PASSWORD="admin-password-1",
        CALLING_HOURS="00:00-24:00",  # the default window would make results depend on the clock
    )
    if os.environ.get("ACCEPTANCE_DATABASE_URL"):  # an empty PostgreSQL database, one module a run
        env["DATABASE_URL"] = os.environ["ACCEPTANCE_DATABASE_URL"]
    env.update(extra)
    return env


@dataclass
class Outsider:
    """A working directory, its environment, and (once started) a core serving on `port`."""

    workdir: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.workdir / "core.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {API_TOKEN}"}

    def cli(
        self, *args: str, timeout: float = 120.0, stdin: str | None = None, **extra: str
    ) -> "subprocess.CompletedProcess[str]":
        """`python -m callcenter ARGS` in the work dir with the same environment."""
        return subprocess.run(
            [sys.executable, "-m", "callcenter", *args],
            cwd=self.workdir,
            env=self.env | extra,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin,
        )

    def cli_background(self, *args: str) -> "subprocess.Popen[str]":
        return subprocess.Popen(
            [sys.executable, "-m", "callcenter", *args],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def start(self, timeout: float = START_SECONDS) -> None:
        """`uvicorn --factory callcenter.api:create_api --port P`; returns once it answers."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "callcenter.api:create_api",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the core exited at start-up:\n{self.log()}")
            try:
                if httpx.get(self.base_url + "/api/health/live", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)  # nothing to wait on but the socket
        raise TimeoutError(f"the core did not answer within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    # --- HTTP --------------------------------------------------------------------------

    def get(self, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {}) | (self.auth if auth else {})
        return httpx.get(self.base_url + path, headers=headers, timeout=10.0, **kwargs)

    def post(self, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {}) | (self.auth if auth else {})
        return httpx.post(self.base_url + path, headers=headers, timeout=20.0, **kwargs)

    def wait_for(self, what: str, check: Any, timeout: float = 30.0) -> Any:
        """Poll `check()` over HTTP until it returns something truthy (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            time.sleep(0.1)  # an outsider can only poll the API

    def wait_idle(self, timeout: float = 30.0) -> None:
        self.wait_for(
            "no active calls",
            lambda: self.get("/api/active-calls").json()["items"] == [],
            timeout,
        )


@contextmanager
def running_core(workdir: Path, *, start: bool = True, **extra: str) -> Iterator[Outsider]:
    """A core subprocess on a free port in `workdir`, stopped (SIGINT) afterwards."""
    port = free_port()
    outsider = Outsider(workdir=workdir, port=port, env=outsider_env(workdir, port, **extra))
    try:
        if start:
            outsider.start()
        yield outsider
    finally:
        outsider.stop()
