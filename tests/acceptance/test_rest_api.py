"""The REST routes of the contract against a core subprocess: auth, errors, shapes, filters."""

from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.acceptance.contract import (
    assert_call_object,
    assert_page,
    assert_timestamp,
    inbound_form,
    new_sid,
    status_form,
)
from tests.acceptance.outsider import Outsider

PROTECTED = [
    ("GET", "/api/calls"),
    ("GET", "/api/calls/1"),
    ("GET", "/api/calls/CA0123456789abcdef0123456789abcdef"),
    ("GET", "/api/leads"),
    ("GET", "/api/leads/1"),
    ("GET", "/api/active-calls"),
    ("POST", "/api/outbound-call"),
]


def _metric_samples(core: Outsider) -> dict[str, list[Any]]:
    response = core.get("/metrics", auth=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {f.name: list(f.samples) for f in text_string_to_metric_families(response.text)}


def _inbound(core: Outsider, from_: str) -> tuple[str, httpx.Response]:
    sid = new_sid()
    response = core.post("/api/inbound-call", auth=False, data=inbound_form(sid, from_))
    return sid, response


def _status(core: Outsider, sid: str, status: str, **extra: str) -> httpx.Response:
    return core.post("/api/call-status", auth=False, data=status_form(sid, status, **extra))


def _call(core: Outsider, ref: str | int) -> dict[str, Any]:
    response = core.get(f"/api/calls/{ref}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_health_is_ok_json_without_a_token(core: Outsider) -> None:
    response = core.get("/api/health", auth=False)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"


def test_a_fresh_install_has_no_active_calls_and_says_so_in_metrics(core: Outsider) -> None:
    assert core.get("/api/active-calls").json() == {"items": []}
    samples = _metric_samples(core)
    [active] = samples["callcenter_active_calls"]
    assert active.value == 0


@pytest.mark.parametrize(("method", "path"), PROTECTED)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_protected_routes_answer_401_json_without_the_api_token(
    core: Outsider, method: str, path: str, token: str | None
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.request(
        method,
        core.base_url + path,
        headers=headers,
        json={"to": "+14155550100"} if method == "POST" else None,
        timeout=10,
    )
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "path",
    [
        "/api/calls/987654",
        "/api/calls/CAffffffffffffffffffffffffffffffff",
        "/api/calls/99999999999999",
        "/api/leads/987654",
        "/api/leads/99999999999999",
    ],
)
def test_unknown_ids_are_404_with_a_json_detail(core: Outsider, path: str) -> None:
    response = core.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"]


def test_errors_are_json_with_a_detail(core: Outsider) -> None:
    for response in (
        core.get("/api/no-such-route"),
        httpx.delete(core.base_url + "/api/calls", headers=core.auth),
        core.get("/api/calls", params={"status": "sleeping"}),
        core.post(
            "/api/outbound-call", content=b"not json", headers={"content-type": "application/json"}
        ),
        core.post("/api/outbound-call", json={}),
    ):
        assert 400 <= response.status_code < 500
        assert response.headers["content-type"].startswith("application/json"), response.text
        assert isinstance(response.json()["detail"], str) and response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/calls", "/api/leads"])
def test_lists_are_pages_and_limit_is_at_most_200(core: Outsider, path: str) -> None:
    for bad in ({"limit": 0}, {"offset": -1}, {"since": "yesterday"}):
        refused = core.get(path, params=bad)
        assert refused.status_code == 422 and refused.json()["detail"]
    assert_page(core.get(path).json(), limit=core.get(path).json()["limit"])
    assert_page(core.get(path, params={"limit": 200, "offset": 3}).json(), limit=200, offset=3)
    too_many = core.get(path, params={"limit": 201})
    assert too_many.status_code == 422
    assert "limit" in too_many.json()["detail"]


def test_inbound_call_webhook_answers_twiml_that_connects_our_media_stream(
    core: Outsider,
) -> None:
    sid, response = _inbound(core, "+14155550111")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(response.text)
    stream = root.find("./Connect/Stream")
    assert stream is not None, response.text
    assert stream.get("url") == f"ws://127.0.0.1:{core.port}/media-stream"
    assert stream.findall("Parameter"), "the stream carries custom <Parameter>s"
    call = _call(core, sid)
    assert call["direction"] == "inbound" and call["call_sid"] == sid
    _status(core, sid, "completed", CallDuration="3")


def test_a_live_call_is_active_until_a_status_callback_ends_it(core: Outsider) -> None:
    sid, _ = _inbound(core, "+14155550112")
    live = core.get("/api/active-calls").json()["items"]
    assert sid in [c["call_sid"] for c in live]
    for call in live:
        assert_call_object(call)
    assert _status(core, sid, "in-progress").status_code == 204

    assert _status(core, sid, "completed", CallDuration="4").status_code == 204
    ended = _call(core, sid)
    assert ended["status"] == "completed"
    assert_timestamp(ended["ended_at"], nullable=False)
    assert isinstance(ended["duration_seconds"], int)
    assert sid not in [c["call_sid"] for c in core.get("/api/active-calls").json()["items"]]

    # Late and repeated callbacks are accepted but never move the call backwards.
    for late in ("in-progress", "ringing", "completed"):
        assert _status(core, sid, late).status_code == 204
    again = _call(core, sid)
    assert again["status"] == "completed"
    assert again["ended_at"] == ended["ended_at"]
    assert again["id"] == _call(core, again["id"])["id"]


def test_a_status_callback_for_an_unknown_call_records_nothing(core: Outsider) -> None:
    before = core.get("/api/calls").json()["total"]
    assert _status(core, new_sid(), "completed").status_code == 204
    assert core.get("/api/calls").json()["total"] == before


def test_call_history_filters_by_status_direction_time_and_number(core: Outsider) -> None:
    done, _ = _inbound(core, "+13125550177")
    _status(core, done, "completed")
    busy, _ = _inbound(core, "+13125550188")
    _status(core, busy, "busy")
    first = _call(core, done)

    def ids(**params: Any) -> set[str]:
        body = core.get("/api/calls", params={"limit": 200, **params}).json()
        assert_page(body, limit=200)
        for call in body["items"]:
            assert_call_object(call)
        return {c["call_sid"] for c in body["items"]}

    assert done in ids(status="completed") and busy not in ids(status="completed")
    assert busy in ids(status="busy") and done not in ids(status="busy")
    assert {done, busy} <= ids(direction="inbound")
    assert not {done, busy} & ids(direction="outbound")
    started = datetime.fromisoformat(first["started_at"])
    assert done in ids(since=started.isoformat())
    assert done not in ids(since=(started + timedelta(seconds=1)).isoformat())
    assert done not in ids(until=(started - timedelta(seconds=1)).isoformat())
    assert done in ids(until=(started + timedelta(hours=1)).isoformat())
    # A date or a time without an offset is read as UTC.
    naive = started.astimezone(UTC).replace(tzinfo=None)
    assert done in ids(since=naive.date().isoformat())
    assert done not in ids(since=(naive + timedelta(seconds=1)).isoformat())
    assert done in ids(until=(naive + timedelta(days=1)).date().isoformat())
    assert ids(q="+13125550177") == {done}
    assert ids(q="3125550188") == {busy}
    assert ids(q="555-0188") == {busy}


def test_outbound_call_is_placed_refused_or_rejected_with_a_reason(core: Outsider) -> None:
    placed = core.post("/api/outbound-call", json={"to": "+14155550199"})
    assert placed.status_code == 201, placed.text
    call = placed.json()
    assert_call_object(call)
    assert call["direction"] == "outbound" and call["to_number"] == "+14155550199"
    assert _call(core, call["id"])["id"] == call["id"]

    example = core.post("/api/outbound-call", json={"to": "+15551234567"})  # the contract's
    assert example.status_code == 201, example.text
    assert example.json()["to_number"] == "+15551234567"

    invalid = core.post("/api/outbound-call", json={"to": "12"})
    assert invalid.status_code == 422 and invalid.json()["detail"]
    abroad = core.post("/api/outbound-call", json={"to": "+442071838750"})
    assert abroad.status_code == 403 and "GB" in abroad.json()["detail"]
    unknown_lead = core.post("/api/outbound-call", json={"to": "+14155550198", "lead_id": 987654})
    assert unknown_lead.status_code in (404, 422) and unknown_lead.json()["detail"]

    refusals = [core.post("/api/outbound-call", json={"to": "+14155550199"}) for _ in range(3)]
    too_often = refusals[-1]
    assert too_often.status_code == 429, [r.status_code for r in refusals]
    assert "limit" in too_often.json()["detail"] or "too many" in too_often.json()["detail"]


def test_metrics_count_ended_calls_and_time_http_requests(core: Outsider) -> None:
    samples = _metric_samples(core)
    ended = samples["callcenter_calls"]  # counters are named without _total
    assert {"status", "direction", "end_reason"} <= set(ended[0].labels)
    assert sum(s.value for s in ended if s.labels["status"] == "completed") >= 2
    assert any(s.name.endswith("_count") for s in samples["callcenter_call_duration_seconds"])
    assert "callcenter_leads" in samples
    assert "callcenter_lead_conversion_ratio" in samples
    routes = {s.labels.get("route") for s in samples["callcenter_http_request_duration_seconds"]}
    assert "/api/calls" in routes
    assert "callcenter_errors" in samples
    assert "acceptance-token" not in core.get("/metrics", auth=False).text
