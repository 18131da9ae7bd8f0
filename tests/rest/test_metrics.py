"""`GET /metrics`: the product's promised numbers, read by a Prometheus parser."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from callcenter.db.models import (
    Call,
    CallDirection,
    CallStatus,
    EndReason,
    Lead,
    OutboxMessage,
    OutboxStatus,
)
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from tests.conftest import TEST_API_TOKEN


def _samples(client: TestClient) -> list[Sample]:
    response = client.get("/metrics", headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert TEST_API_TOKEN not in response.text
    return [s for family in text_string_to_metric_families(response.text) for s in family.samples]


def _value(samples: list[Sample], name: str, **labels: str) -> float:
    matches = [
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    assert matches, f"no sample {name}{labels}"
    return sum(matches)


def _ended_call(
    *, seconds: int, lead: bool, direction: CallDirection = CallDirection.inbound
) -> Call:
    now = utcnow()
    call = Call(
        direction=direction,
        from_number="+12125551234",
        to_number="+14155550123",
        status=CallStatus.completed,
        end_reason=EndReason.caller_hung_up,
        started_at=now - timedelta(seconds=seconds + 2),
        answered_at=now - timedelta(seconds=seconds),
        ended_at=now,
        duration_seconds=seconds,
    )
    if lead:
        with session_scope() as session:
            row = Lead(name="Ada")
            session.add(row)
            session.flush()
            call.lead_id = row.id
    return call


def test_an_empty_system_reports_zero_active_calls(client: TestClient) -> None:
    samples = _samples(client)
    assert _value(samples, "callcenter_active_calls") == 0
    assert _value(samples, "callcenter_lead_conversion_ratio") == 0
    assert _value(samples, "callcenter_database_up") == 1


def test_metrics_show_the_five_promised_numbers(client: TestClient) -> None:
    with session_scope() as session:
        session.add(_ended_call(seconds=42, lead=True))
        session.add(_ended_call(seconds=200, lead=False, direction=CallDirection.outbound))
        session.add(
            Call(
                direction=CallDirection.inbound, status=CallStatus.in_progress, answered_at=utcnow()
            )
        )
        session.add(
            Call(
                direction=CallDirection.outbound,
                status=CallStatus.no_answer,
                end_reason=EndReason.no_answer,
            )
        )
        session.add(
            OutboxMessage(
                dedupe_key="k1", kind="followup", to_address="a@b.co", subject="s", html="", text=""
            )
        )
        session.add(
            OutboxMessage(
                dedupe_key="k2",
                kind="followup",
                to_address="a@b.co",
                subject="s",
                html="",
                text="",
                status=OutboxStatus.failed,
            )
        )
    assert client.get("/api/calls/12345").status_code == 404
    assert client.get("/api/calls").status_code == 200

    samples = _samples(client)
    # 1. active calls
    assert _value(samples, "callcenter_active_calls") == 1
    # 2. call duration histogram (answered calls that ended)
    assert _value(samples, "callcenter_call_duration_seconds_count") == 2
    assert _value(samples, "callcenter_call_duration_seconds_sum") == 242
    assert _value(samples, "callcenter_call_duration_seconds_bucket", le="60.0") == 1
    assert _value(samples, "callcenter_call_duration_seconds_bucket", le="300.0") == 2
    # calls by status / direction / end reason
    assert (
        _value(
            samples,
            "callcenter_calls_total",
            status="completed",
            direction="inbound",
            end_reason="caller_hung_up",
        )
        == 1
    )
    assert _value(samples, "callcenter_calls_total", status="no-answer") == 1
    # 3. leads and conversion: 1 of 3 answered calls (one still live) produced a lead
    assert _value(samples, "callcenter_leads_total") == 1
    assert abs(_value(samples, "callcenter_lead_conversion_ratio") - 1 / 3) < 1e-9
    # 4. API response time by route template (the id is not a label)
    assert (
        _value(
            samples,
            "callcenter_http_request_duration_seconds_count",
            route="/api/calls/{ref}",
            status="4xx",
        )
        >= 1
    )
    assert (
        _value(samples, "callcenter_http_request_duration_seconds_count", route="/api/calls") >= 1
    )
    assert not [s for s in samples if "12345" in str(s.labels)]
    # 5. outbox depth and failures (error counters: see the helpers test)
    assert _value(samples, "callcenter_outbox_depth") == 1
    assert _value(samples, "callcenter_outbox_failed") == 1


def test_helpers_count_errors_dropped_frames_and_voice_latencies(client: TestClient) -> None:
    from callcenter import metrics

    before = _samples(client)
    metrics.count_error("realtime_refused")
    metrics.count_frame_dropped(3)
    metrics.observe_realtime_connect(0.2)
    metrics.observe_first_audio(0.7)
    after = _samples(client)

    def delta(name: str, **labels: str) -> float:
        old = [s for s in before if s.name == name and s.labels.items() >= labels.items()]
        return _value(after, name, **labels) - (sum(s.value for s in old))

    assert delta("callcenter_errors_total", kind="realtime_refused") == 1
    assert delta("callcenter_frames_dropped_total") == 3
    assert delta("callcenter_realtime_connect_seconds_count") == 1
    assert delta("callcenter_time_to_first_audio_seconds_bucket", le="1.0") == 1


def test_a_database_that_is_down_reports_up_zero_not_a_500(
    client: TestClient, tmp_path: Path
) -> None:
    from callcenter.config import get_settings
    from callcenter.db import session as db_session

    url = get_settings().database_url
    db_session._engines[url] = db_session.make_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    samples = _samples(client)
    assert _value(samples, "callcenter_database_up") == 0
    assert _value(samples, "callcenter_errors_total", kind="metrics_database") >= 1


_WORKER = """
from callcenter import metrics
metrics.count_error("worker_probe")
metrics.HTTP_LATENCY.labels(method="GET", route="/api/calls", status="2xx").observe(0.01)
"""
_SCRAPER = """
from sqlalchemy import create_engine
from callcenter import metrics
print(metrics.render(create_engine("sqlite://")).decode())
"""


def test_several_worker_processes_add_up_in_one_scrape(tmp_path: Path) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    cwd = Path(__file__).resolve().parents[2]
    for _ in range(2):
        subprocess.run([sys.executable, "-c", _WORKER], env=env, cwd=cwd, check=True, timeout=60)
    out = subprocess.run(
        [sys.executable, "-c", _SCRAPER],
        env=env,
        cwd=cwd,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout
    samples = [s for f in text_string_to_metric_families(out) for s in f.samples]
    assert _value(samples, "callcenter_errors_total", kind="worker_probe") == 2
    assert (
        _value(samples, "callcenter_http_request_duration_seconds_count", route="/api/calls") == 2
    )
