"""Benchmark: a campaign of N contacts with short simulated calls, dialled to the end.

    python -m bench.campaign --contacts 10000 --concurrent 50

Serves the core on a real port (SQLite in a temp dir, or --database-url), with the carrier
simulator playing Twilio (webhooks, media streams, async AMD) and a silent voice engine, and
runs one campaign dialer and the orphan sweeper, as the core does (the sweeper closes a call
whose final status callback was lost; here after 90 s instead of 15 min). Callees are decided
by each number's position, so the final counts are known in advance and checked exactly:

    50 %  a person answers, listens briefly, hangs up          -> done after 1 dial
    20 %  busy at the first dial, answered at the retry        -> done after 2 dials
    10 %  never answers                                         -> failed after 3 dials
    10 %  an answering machine (the policy does not retry it)   -> done after 1 dial
    10 %  on the do-not-call list                               -> skipped, never dialled

Reports the wall time, dials per second and the final counts.
"""

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.app_server import serve_in_thread  # noqa: E402
from tests.support.servers import free_port  # noqa: E402
from tests.telephony.voice_fakes import VoiceRecorder  # noqa: E402

TOKEN = "bench-api-token-0123456789"


def number(i: int) -> str:
    return f"+1415{i // 10000:03d}{i % 10000:04d}"


class Callees:
    """Who answers each number, by its position in the list, and on which dial."""

    def __init__(self, count: int) -> None:
        self.kind = {number(i): i % 10 for i in range(count)}
        self.dials: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, info: object) -> object:
        from callcenter.sim import callers as sim_callers

        to = str(getattr(info, "to_number", ""))
        with self.lock:
            self.dials[to] += 1
            nth = self.dials[to]
        kind = self.kind[to]
        if kind in (5, 6) and nth == 1:
            return sim_callers.unanswered_caller("busy")
        if kind == 7:
            return sim_callers.unanswered_caller("no-answer")
        if kind == 8:
            return sim_callers.machine_caller(0.2, amd_seconds=0.05)
        return sim_callers.silence_caller(0.1)

    def expected(self) -> dict[str, int]:
        kinds = Counter(self.kind.values())
        done = sum(kinds[k] for k in (0, 1, 2, 3, 4, 5, 6, 8))
        return {"total": len(self.kind), "done": done, "failed": kinds[7], "skipped": kinds[9]}


def run(contacts: int, concurrent: int, database_url: str | None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="campaign-bench-"))
    port = free_port()
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.db'}",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "API_TOKEN": TOKEN,
            "ADMIN_EMAIL": "admin@example.com",
            "ADMIN_PASSWORD": "bench-password-1",
            "BACKGROUND_WORKERS": "false",
            "CALLING_HOURS": "00:00-24:00",
            "MAX_CALLS_PER_DAY": "1000000",
            "MAX_CONCURRENT_OUTBOUND": str(concurrent * 2),
            "RECORD_CALLS": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.chdir(workdir)
    from sqlalchemy import func
    from sqlmodel import select

    from callcenter.api import build_core, create_api
    from callcenter.calls.sweeper import SweepTiming, run_orphan_sweeper
    from callcenter.campaigns.dialer import CampaignDialer, DialerTiming
    from callcenter.config import get_settings
    from callcenter.db.migrate import upgrade_to_head
    from callcenter.db.models import Call, EndReason
    from callcenter.db.repo import dnc
    from callcenter.db.session import session_scope
    from callcenter.sim.carrier import SimulatorCarrier

    logging.basicConfig(level=logging.ERROR)
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    callees = Callees(contacts)
    parts = build_core(
        settings,
        carrier=SimulatorCarrier(settings, caller_factory=callees, ring_seconds=0.05),  # type: ignore[arg-type]
        voice_factory=VoiceRecorder(),
    )
    with session_scope() as session:
        for phone, kind in callees.kind.items():
            if kind == 9:
                dnc.add_entry(session=session, number=phone, source="bench", reason=None)
    api = httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=120,
    )
    with serve_in_thread(create_api(settings, parts), port=port) as server:
        csv_body = "phone,name\n" + "".join(
            f"{p},Contact {i}\n" for i, p in enumerate(callees.kind)
        )
        created = api.post(
            "/api/campaigns",
            json={
                "name": "bench",
                "max_concurrent": concurrent,
                "calls_per_minute": 100_000,
                "retry": {
                    "max_attempts": 3,
                    "retry_after_seconds": 1,
                    "retry_on": ["busy", "no-answer", "failed"],
                },
            },
        ).json()
        campaign_id = created["id"]
        upload_started = time.perf_counter()
        added = api.post(
            f"/api/campaigns/{campaign_id}/contacts",
            content=csv_body.encode(),
            headers={"Content-Type": "text/csv"},
        ).json()
        upload_seconds = time.perf_counter() - upload_started
        assert added["added"] == contacts and not added["invalid"], added
        assert server.loop is not None

        async def _start() -> list["asyncio.Task[None]"]:
            dialer = CampaignDialer(
                settings=settings,
                outbound=parts.dialer,
                hub=parts.hub,
                timing=DialerTiming(tick_seconds=0.05),
            )
            sweeping = SweepTiming(stale_ringing=timedelta(seconds=90))
            return [
                asyncio.create_task(dialer.run()),
                asyncio.create_task(run_orphan_sweeper(parts.life, timing=sweeping)),
            ]

        tasks = asyncio.run_coroutine_threadsafe(_start(), server.loop).result(10)
        started = time.perf_counter()
        api.post(f"/api/campaigns/{campaign_id}/start").raise_for_status()
        last = 0.0
        while True:
            campaign = api.get(f"/api/campaigns/{campaign_id}").json()
            if campaign["status"] == "completed":
                break
            now = time.perf_counter()
            if now - last > 10:
                print(f"  {now - started:6.1f} s  {campaign['counts']}", flush=True)
                last = now
            time.sleep(0.5)
        elapsed = time.perf_counter() - started

        async def _stop() -> None:
            for task in tasks:
                task.cancel()

        asyncio.run_coroutine_threadsafe(_stop(), server.loop).result(10)
    counts = campaign["counts"]
    dials = sum(callees.dials.values())
    print(
        f"contacts: {contacts}, max_concurrent: {concurrent}, "
        f"database: {settings.database_url.split(':')[0]}"
    )
    print(f"CSV upload of {contacts} rows: {upload_seconds:.2f} s")
    print(f"campaign completed in {elapsed:.1f} s: {dials} dials, {dials / elapsed:.1f} dials/s")
    print(f"counts: {counts}")
    wrong = {k: (counts[k], v) for k, v in callees.expected().items() if counts[k] != v}
    with session_scope() as session:
        swept = session.exec(
            select(func.count()).select_from(Call).where(Call.end_reason == EndReason.error)
        ).one()
    print(f"calls closed by the sweeper (final callback lost): {swept}")
    double = [p for p, n in callees.dials.items() if n > 3]
    if wrong or double or counts["pending"] or counts["calling"] or counts["retry"]:
        print(f"WRONG counts (got, expected): {wrong}; dialled more than 3 times: {double[:5]}")
        return 1
    print("counts exact")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    return run(args.contacts, args.concurrent, args.database_url)


if __name__ == "__main__":
    sys.exit(main())
