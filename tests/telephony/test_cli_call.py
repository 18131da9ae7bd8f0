"""`python -m callcenter call NUMBER` on the embedded defaults: a whole simulated call."""

import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from callcenter.config import get_settings
from tests.conftest import TEST_API_TOKEN
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_cli_call_places_a_simulated_call_visible_in_the_api(env: dict[str, str]) -> None:
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run(
        [sys.executable, "-m", "callcenter", "call", "+14155550123", "--seconds", "1"],
        capture_output=True,
        text=True,
        timeout=90,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    call_id = result.stdout.strip().splitlines()[0]
    assert call_id.isdigit()
    assert f"call {call_id}: completed" in result.stderr

    from callcenter.api import create_api

    with TestClient(
        create_api(get_settings()), headers={"Authorization": f"Bearer {TEST_API_TOKEN}"}
    ) as client:
        [listed] = client.get("/api/calls").json()["items"]
        detail = client.get(f"/api/calls/{call_id}").json()
    assert listed["id"] == int(call_id)
    assert detail["direction"] == "outbound"
    assert detail["to_number"] == "+14155550123"
    assert detail["status"] == "completed"
    assert detail["duration_seconds"] is not None and detail["duration_seconds"] >= 1
    history = [h["status"] for h in detail["status_history"]]
    assert history[:3] == ["queued", "ringing", "in-progress"]
    assert history[-1] == "completed"


def test_cli_call_rejects_an_invalid_number(env: dict[str, str]) -> None:
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run(
        [sys.executable, "-m", "callcenter", "call", "12", "--no-wait"],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 2
    assert "error:" in result.stderr and "12" in result.stderr
    assert result.stdout == ""
