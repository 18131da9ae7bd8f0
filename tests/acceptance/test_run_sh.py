"""`./run.sh` as a new user runs it: in a fresh clone, which it must leave as it found it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]
START_SECONDS = 480.0
# What reaching the package registries may need (proxies, extra CA certificates), and no more.
PASSED_THROUGH = (
    "PATH",
    "HOME",
    "LANG",
    "TMPDIR",
    "NODE_EXTRA_CA_CERTS",
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    target = tmp_path / "callcenter"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(target)], check=True)
    return target


def _env(port: int) -> dict[str, str]:
    """Nothing of the test run's configuration; this interpreter's virtualenv as it is."""
    env = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    env.update(PORT=str(port), VENV=sys.prefix, SKIP_INSTALL="1", PYTHON=sys.executable)
    return env


def _wait_until_served(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1.0)  # a server starting up has no event to wait on from outside
    raise AssertionError(f"not served within {START_SECONDS:.0f} s:\n{log.read_text()}")


def test_run_sh_serves_prints_one_banner_and_leaves_the_clone_clean(clone: Path) -> None:
    port = free_port()
    log = clone.parent / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["./run.sh"],
            cwd=clone,
            env=_env(port),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_served(process, f"http://127.0.0.1:{port}/api/health/live", log)
        page = httpx.get(f"http://127.0.0.1:{port}/login", timeout=10.0, follow_redirects=True)
        assert page.status_code == 200
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    output = log.read_text()
    assert output.count("callcenter is starting at") == 1, output
    assert f"http://localhost:{port}" in output
    assert "Sign in     admin@callcenter.local / " in output and "API token   " in output
    for noise in ("uv run reflex run", "Failed to connect", "fsg_search", "SIGTERM"):
        assert noise not in output, output
    assert _git(clone, "status", "--porcelain") == "", output
    # An editable install writes callcenter.egg-info/ into the tree: ignored, never tracked.
    assert _git(clone, "ls-files", "callcenter.egg-info") == ""
    assert _git(clone, "check-ignore", "callcenter.egg-info/SOURCES.txt").strip()


def test_a_second_run_sh_on_a_busy_port_says_which_port_to_use(clone: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            ["./run.sh"], cwd=clone, env=_env(port), capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert f"port {port} is already in use" in result.stderr
    assert "./run.sh" in result.stderr and "PORT=" in result.stderr
    assert _git(clone, "status", "--porcelain") == ""
