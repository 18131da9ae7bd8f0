"""Benchmark: live dashboard, database commit → text in two browsers, workers behind Redis.

    python -m bench.live_fanout --workers 4 --turns 20

Runs the whole app as in production (`reflex run --env prod`) with REDIS_URL set and the
given number of backend workers, opens two signed-in browsers (Chromium) on Live, commits
transcript lines through the core (each request lands on whichever worker takes it) and
times each line from its database commit to its text in each browser's DOM. The same
harness as `tests/ui/test_live_redis.py`; prints median, p95 and max.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import redis_server  # noqa: E402
from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402
from tests.ui.pages import report_latency, two_browsers_watch_live_turns  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--turns", type=int, default=20, help="lines committed (×2 browsers)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="live-fanout-"))
    workers = str(args.workers)
    with (
        redis_server() as redis,
        running_app(
            workdir,
            "live-fanout",
            REDIS_URL=redis.url,
            GUNICORN_CMD_ARGS=f"--workers {workers}",
            GRANIAN_WORKERS=workers,
        ) as app,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            load = os.getloadavg()[0]
            latencies = two_browsers_watch_live_turns(browser, app, turns=args.turns)
            report_latency(f"Redis, {workers} workers", latencies)
            print(f"load average {load:.1f} → {os.getloadavg()[0]:.1f}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
