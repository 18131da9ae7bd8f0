"""`call` finds the app a user started (by PORT alone) and places the call there, or says
plainly that it serves a core of its own and where."""

import subprocess
import sys
from pathlib import Path

from tests.acceptance.outsider import running_core

CALLEE = "+15551234567"


def _call(workdir: Path, env: dict[str, str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "callcenter", "call", CALLEE, "--seconds", "3"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_call_with_only_port_set_is_placed_through_the_running_app(tmp_path: Path) -> None:
    with running_core(tmp_path) as core:
        env = {k: v for k, v in core.env.items() if k != "PUBLIC_BASE_URL"}
        env["PORT"] = str(core.port)
        result = _call(tmp_path, env)
        assert result.returncode == 0, result.stderr
        call_id = int(result.stdout.split()[0])
        assert f"call: using the app at http://localhost:{core.port}" in result.stderr
        assert "serving one" not in result.stderr
        call = core.get(f"/api/calls/{call_id}").json()  # the app knows the call…
        assert call["status"] == "completed"
        history = [h["status"] for h in call["status_history"]]
        assert "in-progress" in history  # …and bridged it: its media stream ran there


def test_call_with_no_app_running_says_where_it_serves_its_own(tmp_path: Path) -> None:
    with running_core(tmp_path, start=False) as core:
        result = _call(tmp_path, core.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0].isdigit()
    assert "no running callcenter app answered" in result.stderr
    assert f"at {core.base_url} until it ends" in result.stderr
