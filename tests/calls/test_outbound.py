"""`POST /api/outbound-call`: numbers are validated with clear reasons; refusals say why."""

import pytest
from fastapi.testclient import TestClient

from callcenter.calls.outbound import InvalidNumber, normalize_number
from callcenter.sim import callers as sim_callers
from callcenter.sim.carrier import SimulatorCarrier
from tests.support.served_core import ServedCore


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+14155550123", "+14155550123"),
        ("(415) 555-0123", "+14155550123"),
        ("415.555.0123", "+14155550123"),
        (" +44 20 7183 8750 ", "+442071838750"),
        ("+1 555 123 4567", "+15551234567"),  # fictional but well formed: the carrier decides
    ],
)
def test_numbers_are_normalised_to_e164(raw: str, expected: str) -> None:
    assert normalize_number(raw, default_region="US") == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "required"),
        ("hello", "not a phone number"),
        ("+1415", "too short"),
        ("+1415555012345678", "too long"),
        ("+999 1234 5678", "not a phone number"),
        ("+44 20 7183", "not a valid phone number"),  # a local number only
    ],
)
def test_invalid_numbers_say_why(raw: str, reason: str) -> None:
    with pytest.raises(InvalidNumber) as error:
        normalize_number(raw, default_region="US")
    assert reason in str(error.value)


def test_outbound_call_needs_the_api_token(api: object) -> None:
    from fastapi import FastAPI

    assert isinstance(api, FastAPI)
    with TestClient(api) as anonymous:
        response = anonymous.post("/api/outbound-call", json={"to": "+14155550123"})
    assert response.status_code == 401


@pytest.mark.parametrize("to", ["hello", "+1415"])
def test_invalid_number_is_a_422_with_a_reason_and_no_call(client: TestClient, to: str) -> None:
    response = client.post("/api/outbound-call", json={"to": to})
    assert response.status_code == 422
    assert to in response.json()["detail"]
    assert client.get("/api/calls").json()["total"] == 0


def test_missing_number_is_a_422(client: TestClient) -> None:
    response = client.post("/api/outbound-call", json={})
    assert response.status_code == 422
    assert "to" in response.json()["detail"]


def test_unknown_lead_is_a_422(client: TestClient) -> None:
    response = client.post("/api/outbound-call", json={"to": "+14155550123", "lead_id": 999})
    assert response.status_code == 422
    assert "lead_id" in response.json()["detail"]


def test_guardrail_refusal_is_a_403_with_its_reason(
    env: dict[str, str], client: TestClient
) -> None:
    # Allowed countries default to the caller id's (US): a UK number is refused.
    response = client.post("/api/outbound-call", json={"to": "+442071838750"})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert client.get("/api/calls").json()["total"] == 0


def test_valid_number_creates_a_queued_outbound_call(core: ServedCore) -> None:
    carrier = core.parts.carrier
    assert isinstance(carrier, SimulatorCarrier)
    carrier.caller_factory = lambda _info: sim_callers.unanswered_caller("no-answer")
    with core.api() as api:
        response = api.post("/api/outbound-call", json={"to": "(415) 555-0123"})
        assert response.status_code == 201, response.text
        body = response.json()
        listed = api.get("/api/calls").json()
    assert body["direction"] == "outbound"
    assert body["to_number"] == "+14155550123"
    assert body["status"] in ("queued", "ringing")
    assert body["call_sid"].startswith("CA")
    assert [c["id"] for c in listed["items"]] == [body["id"]]
