"""A whole simulated call placed with `python -m callcenter call`, watched over the REST API."""

import email
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.acceptance.contract import assert_call_object, assert_lead_object, assert_timestamp
from tests.acceptance.outsider import Outsider, running_core
from tests.acceptance.speech import spoken_answers

CALLEE = "+15551234567"  # the contract's own example number
TEAM = "team@example.com"
CALL_SECONDS = 120


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outsider]:
    # Without the background worker the emails wait in the outbox for `send-outbox`.
    workdir = tmp_path_factory.mktemp("whole-call")
    with running_core(workdir, TEAM_NOTIFY_EMAILS=TEAM, BACKGROUND_WORKERS="false") as outsider:
        yield outsider


@pytest.fixture(scope="module")
def finished_call(core: Outsider) -> dict[str, Any]:
    """Place the call with the CLI, watch it live, and return what the API shows afterwards."""
    wav = spoken_answers(core.workdir / "callee.wav")
    process = core.cli_background("call", CALLEE, "--wav", str(wav))
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().strip()
        assert first_line.isdigit(), (first_line, process.stderr and process.stderr.read())
        call_id = int(first_line)
        live = core.wait_for(
            "the call among the active calls",
            lambda: [
                c for c in core.get("/api/active-calls").json()["items"] if c["id"] == call_id
            ],
        )
        seen_live: dict[str, Any] = {"active": live[0], "metrics": _active_gauge(core)}
        seen_live["turns"] = core.wait_for(
            "a caller turn while the call is live",
            lambda: _live_caller_turns(core, call_id),
            timeout=60,
        )
        out, err = process.communicate(timeout=CALL_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    body: dict[str, Any] = core.get(f"/api/calls/{call_id}").json()
    return {"id": call_id, "call": body, "live": seen_live, "stderr": err}


def _active_gauge(core: Outsider) -> float:
    text = core.get("/metrics", auth=False).text
    for family in text_string_to_metric_families(text):
        if family.name == "callcenter_active_calls":
            return float(family.samples[0].value)
    raise AssertionError("no active-calls gauge in /metrics")


def _live_caller_turns(core: Outsider, call_id: int) -> list[dict[str, Any]]:
    call = core.get(f"/api/calls/{call_id}").json()
    if call["ended_at"] is not None:
        raise AssertionError("the call ended before any caller turn was visible")
    return [t for t in call["transcript"] if t["role"] == "caller"]


def test_the_call_is_listed_as_active_while_live(finished_call: dict[str, Any]) -> None:
    live = finished_call["live"]
    assert_call_object(live["active"])
    assert live["active"]["direction"] == "outbound"
    assert live["active"]["to_number"] == CALLEE
    assert live["active"]["status"] in {"queued", "ringing", "in-progress"}
    assert live["metrics"] >= 1
    assert live["turns"][0]["text"]


def test_the_call_ends_completed_with_its_times_and_history(
    finished_call: dict[str, Any], core: Outsider
) -> None:
    call = finished_call["call"]
    assert_call_object(call)
    assert call["status"] == "completed"
    assert call["end_reason"] is not None
    assert_timestamp(call["answered_at"], nullable=False)
    assert_timestamp(call["ended_at"], nullable=False)
    assert call["duration_seconds"] >= 5
    assert call["answered_by"] == "human"  # the simulated carrier's AMD result
    history = [h["status"] for h in call["status_history"]]
    assert history[0] == "queued" and history[-1] == "completed"
    assert {"ringing", "in-progress"} <= set(history)
    assert f"call {finished_call['id']}: completed" in finished_call["stderr"]
    assert core.get("/api/active-calls").json() == {"items": []}
    assert _active_gauge(core) == 0


def test_the_transcript_is_in_spoken_order_with_interruptions_marked(
    finished_call: dict[str, Any],
) -> None:
    turns = finished_call["call"]["transcript"]
    assert {t["role"] for t in turns} == {"agent", "caller"}
    for turn in turns:
        assert set(turn) >= {"role", "text", "started_at", "interrupted"}
        assert isinstance(turn["interrupted"], bool)
        assert_timestamp(turn["started_at"], nullable=False)
        if turn["interrupted"]:
            assert turn["role"] == "agent"
    starts = [t["started_at"] for t in turns]
    assert starts == sorted(starts)
    caller_words = " ".join(t["text"].lower() for t in turns if t["role"] == "caller")
    assert "plumbing" in caller_words


def test_the_lead_is_captured_from_the_conversation(
    finished_call: dict[str, Any], core: Outsider
) -> None:
    lead_id = finished_call["call"]["lead_id"]
    assert lead_id is not None
    lead = core.get(f"/api/leads/{lead_id}").json()
    assert_lead_object(lead)
    assert isinstance(lead["notes"], list)
    assert lead["name"] == "Dana Reyes"
    assert lead["email"] == "dana@reyesplumbing.com"
    assert "plumbing" in (lead["business_type"] or "")
    assert lead["phone"] == CALLEE  # none was said, so the caller id fills it
    assert lead["source_call_id"] == finished_call["id"]
    listed = core.get("/api/leads", params={"q": "Reyes"}).json()["items"]
    assert lead_id in [item["id"] for item in listed]
    assert lead_id in [
        i["id"] for i in core.get("/api/leads", params={"status": "new"}).json()["items"]
    ]
    assert lead_id not in [
        i["id"] for i in core.get("/api/leads", params={"status": "won"}).json()["items"]
    ]


@pytest.mark.parametrize("query", ["Dana Reyes", "reyes plumbing", "after hours", "555-123-4567"])
def test_the_call_is_found_by_lead_name_transcript_text_and_number(
    finished_call: dict[str, Any], core: Outsider, query: str
) -> None:
    found = core.get("/api/calls", params={"q": query}).json()["items"]
    assert finished_call["id"] in [c["id"] for c in found]
    missing = core.get("/api/calls", params={"q": "zebra crossing"}).json()
    assert missing["items"] == [] and missing["total"] == 0


def test_send_outbox_writes_the_follow_up_and_the_team_notification_once(
    finished_call: dict[str, Any], core: Outsider
) -> None:
    outbox = core.workdir / "var" / "outbox"
    assert not list(outbox.glob("*.eml"))  # no worker in this core: they wait for send-outbox
    first = core.cli("send-outbox")
    assert first.returncode == 0, first.stderr
    sent = _emails(outbox)
    recipients = sorted(message["To"] for message in sent)
    assert recipients == sorted(["dana@reyesplumbing.com", TEAM])
    again = core.cli("send-outbox")
    assert again.returncode == 0, again.stderr
    assert len(_emails(outbox)) == 2  # each email is sent at most once


def _emails(outbox: Path) -> list[email.message.Message]:
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(outbox.glob("*.eml"))]


def test_leads_filter_by_creation_time(finished_call: dict[str, Any], core: Outsider) -> None:
    lead = core.get(f"/api/leads/{finished_call['call']['lead_id']}").json()
    created = datetime.fromisoformat(lead["created_at"])

    def ids(**params: str) -> list[int]:
        return [i["id"] for i in core.get("/api/leads", params=params).json()["items"]]

    assert lead["id"] in ids(since=(created - timedelta(seconds=1)).isoformat())
    assert lead["id"] not in ids(since=(created + timedelta(seconds=1)).isoformat())
    assert lead["id"] in ids(until=(created + timedelta(seconds=1)).isoformat())
    assert lead["id"] not in ids(until=(created - timedelta(seconds=1)).isoformat())


def test_metrics_count_the_lead_and_the_conversion(
    finished_call: dict[str, Any], core: Outsider
) -> None:
    families = {
        f.name: f.samples
        for f in text_string_to_metric_families(core.get("/metrics", auth=False).text)
    }
    assert sum(s.value for s in families["callcenter_leads"] if s.name.endswith("_total")) >= 1
    [ratio] = families["callcenter_lead_conversion_ratio"]
    assert 0 < ratio.value <= 1
    durations = {s.name: s.value for s in families["callcenter_call_duration_seconds"]}
    assert durations["callcenter_call_duration_seconds_count"] >= 1


def test_an_outbound_call_for_a_lead_is_linked_to_it(
    finished_call: dict[str, Any], core: Outsider
) -> None:
    lead_id = finished_call["call"]["lead_id"]
    placed = core.post("/api/outbound-call", json={"to": "+14155550143", "lead_id": lead_id})
    assert placed.status_code == 201, placed.text
    assert placed.json()["lead_id"] == lead_id
    linked = core.get(f"/api/leads/{lead_id}").json()["calls"]
    assert placed.json()["id"] in [c["id"] for c in linked]
