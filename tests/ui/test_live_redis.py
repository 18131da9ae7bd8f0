"""Live updates with REDIS_URL set: several backend workers share state through Redis, and a
line committed in whichever worker took the request still reaches browsers on the others."""

import re
from typing import Any

import pytest

from tests.ui.conftest import RunningApp
from tests.ui.pages import report_latency, two_browsers_watch_live_turns

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.slow]


def test_two_browsers_see_live_turns_across_workers(browser: Any, app_server_redis: RunningApp):
    log = app_server_redis.log.read_text()
    # Every backend worker prints the start banner, which names the live fan-out's mode.
    workers = re.findall(r"^\s*Live\s+Redis\s*$", log, flags=re.M)
    assert len(workers) > 1, "expected several backend workers sharing state through Redis"
    latencies = two_browsers_watch_live_turns(browser, app_server_redis)
    p95 = report_latency("Redis, several workers", latencies)
    assert p95 < 500, f"live updates too slow: p95 {p95:.0f} ms"
