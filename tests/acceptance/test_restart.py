"""A core killed mid-call: the next start closes the call it left in progress as failed."""

import os
import signal
from pathlib import Path
from typing import Any

from tests.acceptance.outsider import running_core

CLOSE_WITHIN_SECONDS = 30


def test_a_call_left_in_progress_by_a_killed_core_is_closed_at_the_next_start(
    tmp_path: Path,
) -> None:
    with running_core(tmp_path) as core:
        placed = core.post("/api/outbound-call", json={"to": "+14155550181"})
        assert placed.status_code == 201, placed.text
        call_id = placed.json()["id"]
        core.wait_for(
            "the call to be answered",
            lambda: core.get(f"/api/calls/{call_id}").json()["status"] == "in-progress",
        )
        assert core.process is not None
        os.kill(core.process.pid, signal.SIGKILL)  # no goodbye, no clean-up
        core.process.wait(timeout=10)
        core.process = None

        core.start()
        assert core.get("/api/health").status_code == 200

        def closed() -> dict[str, Any] | None:
            call: dict[str, Any] = core.get(f"/api/calls/{call_id}").json()
            return call if call["ended_at"] else None

        call = core.wait_for("the orphaned call to be closed", closed, CLOSE_WITHIN_SECONDS)
        assert call["status"] == "failed"
        assert call["end_reason"] == "error"
        assert core.get("/api/active-calls").json() == {"items": []}
