"""Prometheus metrics: process-local timings and counters, plus call numbers read from the
database at scrape time (so every worker reports the same totals)."""

import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from sqlalchemy import case, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcenter.db.models import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    Call,
    Lead,
    OutboxMessage,
    OutboxStatus,
)

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DURATION_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_dir() -> str | None:
    """PROMETHEUS_MULTIPROC_DIR: where each worker process writes its process-local values."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


# Process-local metrics. With PROMETHEUS_MULTIPROC_DIR set (before import) prometheus-client
# keeps their values in per-process files that any worker's scrape aggregates.
_local = CollectorRegistry(auto_describe=True)
if multiprocess_dir() is None:
    ProcessCollector(registry=_local)

HTTP_LATENCY = Histogram(
    "callcenter_http_request_duration_seconds",
    "Time to answer an HTTP request (webhooks and REST), by route template.",
    ("method", "route", "status"),
    buckets=LATENCY_BUCKETS,
    registry=_local,
)
REALTIME_CONNECT = Histogram(
    "callcenter_realtime_connect_seconds",
    "Time to open a voice AI session and have it configured.",
    buckets=LATENCY_BUCKETS,
    registry=_local,
)
FIRST_AUDIO = Histogram(
    "callcenter_time_to_first_audio_seconds",
    "From the media stream starting to the first agent audio sent to the caller.",
    buckets=LATENCY_BUCKETS,
    registry=_local,
)
FRAMES_DROPPED = Counter(
    "callcenter_frames_dropped",
    "Audio frames dropped (malformed, or a queue full) instead of reaching the other side.",
    registry=_local,
)
SESSION_RENEWALS = Counter(
    "callcenter_voice_session_renewals",
    "Voice AI sessions replaced mid-call by a new one (planned before the limit, or expired).",
    ("kind",),
    registry=_local,
)
ERRORS = Counter(
    "callcenter_errors",
    "Errors by kind (http_5xx, unhandled_exception, realtime_*, carrier_*, email_*, ...).",
    ("kind",),
    registry=_local,
)


def observe_realtime_connect(seconds: float) -> None:
    REALTIME_CONNECT.observe(max(0.0, seconds))


def observe_first_audio(seconds: float) -> None:
    FIRST_AUDIO.observe(max(0.0, seconds))


def count_error(kind: str) -> None:
    """Count one error; `kind` is a short fixed word (never user input: it becomes a label)."""
    ERRORS.labels(kind=kind[:40]).inc()


def count_session_renewal(kind: str) -> None:
    """Count one mid-call session renewal; `kind` is `planned` or `expired`."""
    SESSION_RENEWALS.labels(kind=kind).inc()


def count_frame_dropped(count: int = 1) -> None:
    FRAMES_DROPPED.inc(count)


record_frame_dropped = count_frame_dropped


# --- numbers from the database ---------------------------------------------------------------


@dataclass(frozen=True)
class CallNumbers:
    """The product's headline numbers, computed in a few aggregate queries."""

    active_calls: int = 0
    ended_calls: dict[tuple[str, str, str], int] = field(default_factory=dict)
    duration_buckets: list[int] = field(default_factory=list)  # cumulative, per DURATION_BUCKETS
    duration_count: int = 0
    duration_sum: float = 0.0
    answered_calls: int = 0
    answered_with_lead: int = 0
    leads: int = 0
    outbox: dict[str, int] = field(default_factory=dict)

    @property
    def conversion_ratio(self) -> float:
        """Calls that produced a lead ÷ answered calls (0 when none were answered)."""
        return self.answered_with_lead / self.answered_calls if self.answered_calls else 0.0

    @property
    def outbox_depth(self) -> int:
        return self.outbox.get(OutboxStatus.pending, 0) + self.outbox.get(OutboxStatus.sending, 0)


def call_numbers(*, session: Session) -> CallNumbers:
    """Active calls, ended calls by status/direction/end reason, durations, leads, outbox."""
    active = session.exec(
        select(func.count())
        .select_from(Call)
        .where(col(Call.status).in_([s.value for s in ACTIVE_STATUSES]))
    ).one()
    final = [s.value for s in FINAL_STATUSES]
    ended: dict[tuple[str, str, str], int] = {}
    rows = session.exec(
        select(Call.status, Call.direction, Call.end_reason, func.count())
        .where(col(Call.status).in_(final))
        .group_by(col(Call.status), col(Call.direction), col(Call.end_reason))
    ).all()
    for status, direction, reason, count in rows:
        key = (str(status), str(direction), str(reason) if reason else "none")
        ended[key] = ended.get(key, 0) + int(count)
    duration = col(Call.duration_seconds)
    timed = (col(Call.status).in_(final)) & duration.is_not(None)
    bucket_columns = [
        func.coalesce(func.sum(case((timed & (duration <= bound), 1), else_=0)), 0)
        for bound in DURATION_BUCKETS
    ]
    totals = session.exec(
        select(
            func.coalesce(func.sum(case((timed, 1), else_=0)), 0),
            func.coalesce(func.sum(case((timed, duration), else_=0)), 0),
            func.coalesce(func.sum(case((col(Call.answered_at).is_not(None), 1), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (col(Call.answered_at).is_not(None) & col(Call.lead_id).is_not(None), 1),
                        else_=0,
                    )
                ),
                0,
            ),
            *bucket_columns,
        )
    ).one()
    leads = session.exec(select(func.count()).select_from(Lead)).one()
    outbox = {
        str(status): int(count)
        for status, count in session.exec(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    }
    return CallNumbers(
        active_calls=int(active),
        ended_calls=ended,
        duration_buckets=[int(value) for value in list(totals)[4:]],
        duration_count=int(totals[0]),
        duration_sum=float(totals[1]),
        answered_calls=int(totals[2]),
        answered_with_lead=int(totals[3]),
        leads=int(leads),
        outbox=outbox,
    )


def _families(numbers: CallNumbers) -> Iterator[Metric]:
    yield GaugeMetricFamily("callcenter_database_up", "1 when the database answered.", value=1)
    yield GaugeMetricFamily(
        "callcenter_active_calls",
        "Calls queued, ringing or in progress.",
        value=numbers.active_calls,
    )
    ended = CounterMetricFamily(
        "callcenter_calls",
        "Calls that have ended, by final status, direction and end reason.",
        labels=("status", "direction", "end_reason"),
    )
    for (status, direction, reason), count in sorted(numbers.ended_calls.items()):
        ended.add_metric((status, direction, reason), count)
    yield ended
    buckets = [
        (str(bound), count)
        for bound, count in zip(DURATION_BUCKETS, numbers.duration_buckets, strict=True)
    ]
    buckets.append(("+Inf", numbers.duration_count))
    yield HistogramMetricFamily(
        "callcenter_call_duration_seconds",
        "Duration of ended calls, from answer to hang-up.",
        buckets=buckets,
        sum_value=numbers.duration_sum,
    )
    yield CounterMetricFamily("callcenter_leads", "Leads captured.", value=numbers.leads)
    yield GaugeMetricFamily(
        "callcenter_answered_calls", "Calls that were answered.", value=numbers.answered_calls
    )
    yield GaugeMetricFamily(
        "callcenter_lead_conversion_ratio",
        "Answered calls that produced a lead ÷ answered calls.",
        value=numbers.conversion_ratio,
    )
    yield GaugeMetricFamily(
        "callcenter_outbox_depth", "Emails waiting to be sent.", value=numbers.outbox_depth
    )
    by_status = GaugeMetricFamily(
        "callcenter_outbox_messages", "Outbox rows by status.", labels=("status",)
    )
    for status in OutboxStatus:
        by_status.add_metric((status.value,), numbers.outbox.get(status.value, 0))
    yield by_status
    yield GaugeMetricFamily(
        "callcenter_outbox_failed",
        "Emails given up on after every retry.",
        value=numbers.outbox.get(OutboxStatus.failed.value, 0),
    )


class DatabaseCollector:
    """Reads the headline numbers at scrape time; a database that is down reports up=0."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterable[Metric]:
        try:
            with Session(self._engine) as session:
                numbers = call_numbers(session=session)
        except Exception as exc:
            log.warning("metrics: database unavailable (%s)", type(exc).__name__)
            count_error("metrics_database")
            return [GaugeMetricFamily("callcenter_database_up", "1 when the database answered.", 0)]
        return list(_families(numbers))


class _ProcessLocal:
    """This process's metrics, or every process's when PROMETHEUS_MULTIPROC_DIR is set."""

    def collect(self) -> Iterable[Metric]:
        directory = multiprocess_dir()
        if directory is None:
            return _local.collect()
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged, path=directory)
        return merged.collect()


def render(engine: Engine) -> bytes:
    """The whole exposition, in Prometheus text format."""
    registry = CollectorRegistry(auto_describe=False)
    # The database first: a failure it counts then shows in this same scrape.
    registry.register(DatabaseCollector(engine))
    registry.register(_ProcessLocal())
    return generate_latest(registry)


# --- HTTP latency middleware ----------------------------------------------------------------


class HttpMetricsMiddleware:
    """Times every HTTP request by its route template (never the raw path: ids would explode
    the label set) and counts 5xx answers and unhandled exceptions as errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def _send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, _send)
        except Exception:
            count_error("unhandled_exception")
            raise
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            HTTP_LATENCY.labels(
                method=scope.get("method", "GET"), route=template, status=f"{status // 100}xx"
            ).observe(time.perf_counter() - started)
            if status >= 500:
                count_error("http_5xx")
