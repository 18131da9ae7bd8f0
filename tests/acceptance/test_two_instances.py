"""Two app processes on different ports sharing one PostgreSQL and one Redis, as two machines
behind a load balancer would: a call placed on one is answered through the other's webhook
and media stream, each sees the other's live calls, and a dead process's call is closed once."""

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.acceptance.outsider import Outsider, outsider_env
from tests.support.servers import RedisServer, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow, pytest.mark.timeout(240)]


def _instance(workdir: Path, shared: dict[str, str], **extra: str) -> Outsider:
    workdir.mkdir()
    port = free_port()
    return Outsider(workdir=workdir, port=port, env=outsider_env(workdir, port, **shared, **extra))


@pytest.fixture
def pair(tmp_path: Path, pg_url: str, redis: RedisServer) -> Iterator[tuple[Outsider, Outsider]]:
    shared = {"DATABASE_URL": pg_url, "REDIS_URL": redis.url}
    a = _instance(tmp_path / "a", shared)
    # B's public address is A's: Twilio (here B's carrier simulator) reaches the app through
    # one URL, whichever machine placed the call.
    b = _instance(tmp_path / "b", shared, PUBLIC_BASE_URL=a.base_url)
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        b.stop()
        a.stop()


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_both_are_ready_on_the_shared_database_and_redis(pair: tuple[Outsider, Outsider]) -> None:
    for instance in pair:
        health = instance.get("/api/health", auth=False).json()
        assert health["status"] == "ok" and health["modes"]["DB"] == "PostgreSQL"
        assert health["modes"]["Live"] == "Redis"


def test_a_call_placed_on_b_is_answered_through_a_and_live_on_both(
    pair: tuple[Outsider, Outsider],
) -> None:
    a, b = pair
    placed = b.post("/api/outbound-call", json={"to": "+14155550199"})
    assert placed.status_code == 201, placed.text
    call_id = placed.json()["id"]

    def live_on(instance: Outsider) -> bool:
        items = instance.get("/api/active-calls").json()["items"]
        return any(c["id"] == call_id and c["status"] == "in-progress" for c in items)

    b.wait_for("the call live on B", lambda: live_on(b), timeout=60)
    assert live_on(a) or a.get(f"/api/calls/{call_id}").json()["status"] == "completed"

    done = a.wait_for(
        "the call completed",
        lambda: (c := a.get(f"/api/calls/{call_id}").json())["status"] == "completed" and c,
        timeout=90,
    )
    assert done["end_reason"] != "error" and done["transcript"]
    assert b.get(f"/api/calls/{call_id}").json() == a.get(f"/api/calls/{call_id}").json()
    # Twilio's side of the call (the webhook, then the media stream) was served by A only.
    served = '"POST /api/outbound-call-webhook HTTP/1.1" 200'
    assert served in a.log() and served not in b.log()


def test_the_orphan_sweeper_closes_a_dead_processs_call_exactly_once(
    pair: tuple[Outsider, Outsider], pg_url: str
) -> None:
    a, b = pair
    with psycopg.connect(_libpq(pg_url), autocommit=True) as conn:
        # A call in progress that no running process serves (its process died a minute ago).
        row = conn.execute(
            "INSERT INTO calls (call_sid, direction, from_number, to_number, status, "
            "started_at, answered_at, updated_at) VALUES ('CAorphan0001', 'inbound', "
            "'+14155550111', '+14155550100', 'in_progress', now() - interval '70 s', "
            "now() - interval '65 s', now() - interval '60 s') RETURNING id"
        ).fetchone()
        assert row is not None
        call_id = row[0]

    ended = a.wait_for(
        "the orphan closed",
        lambda: (c := b.get(f"/api/calls/{call_id}").json())["status"] == "failed" and c,
        timeout=60,
    )
    assert ended["end_reason"] == "error"
    time.sleep(6)  # one more sweep interval on each instance: a second close would show here
    with psycopg.connect(_libpq(pg_url)) as conn:
        sweeps = conn.execute(
            "SELECT count(*) FROM call_status_events WHERE call_id = %s AND source = 'sweeper'",
            (call_id,),
        ).fetchone()
    assert sweeps == (1,)
