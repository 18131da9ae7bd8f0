"""Hostile HTTP input: signed webhook forms with any fields, REST bodies and queries of any
shape, oversized bodies. Never a 500; always a clear 4xx with a JSON `detail`; the app keeps
answering the next (real) request."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.api import create_api
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.http_limits import DEFAULT_LIMIT
from callcenter.telephony.signature import sign
from tests.conftest import TEST_API_TOKEN

TOKEN = "fuzz-twilio-token-0123456789"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
form_text = st.text(max_size=60) | st.sampled_from(
    ["", "CA" + "1" * 32, "completed", "in-progress", "ringing", "+15551234567", "machine_start"]
)
forms = st.dictionaries(
    st.sampled_from(
        [
            "CallSid",
            "CallStatus",
            "From",
            "To",
            "Direction",
            "AnsweredBy",
            "CallDuration",
            "AccountSid",
            "ErrorCode",
            "SequenceNumber",
            "Timestamp",
        ]
    )
    | st.text(max_size=12),
    form_text,
    max_size=8,
)


@pytest.fixture
def app_client(env: dict[str, str]) -> Iterator[TestClient]:
    env["TWILIO_AUTH_TOKEN"] = TOKEN
    env["ALLOWED_COUNTRIES"] = "GB"
    env["CALLING_HOURS"] = "03:00-03:01"  # nearly always closed: fuzzing must not dial
    settings_ = get_settings()
    upgrade_to_head(settings_.database_url)
    with TestClient(
        create_api(settings_), headers={"Authorization": f"Bearer {TEST_API_TOKEN}"}
    ) as client:
        yield client


def _signed_post(client: TestClient, path: str, form: dict[str, str]) -> Any:
    url = get_settings().public_base_url + path
    return client.post(path, data=form, headers={"X-Twilio-Signature": sign(TOKEN, url, form)})


def _clear_4xx(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["detail"], response.text


@FUZZ
@given(path=st.sampled_from(["/api/inbound-call", "/api/outbound-call-webhook"]), form=forms)
def test_signed_call_webhooks_with_any_form(app_client: TestClient, path: str, form: dict) -> None:
    response = _signed_post(app_client, path, form)
    assert response.status_code < 500, response.text


@FUZZ
@given(form=forms)
def test_signed_status_callbacks_with_any_form(app_client: TestClient, form: dict) -> None:
    response = _signed_post(app_client, "/api/call-status", form)
    assert response.status_code < 500, response.text
    assert app_client.get("/api/health").status_code == 200


@FUZZ
@given(
    form=forms, signature=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40)
)
def test_unsigned_or_forged_webhooks_are_403(
    app_client: TestClient, form: dict, signature: str
) -> None:
    for path in ("/api/inbound-call", "/api/call-status", "/api/outbound-call-webhook"):
        response = app_client.post(
            path, data=form, headers={"X-Twilio-Signature": signature} if signature else {}
        )
        assert response.status_code == 403, (path, response.text)


json_bodies = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=8,
)
outbound_bodies = (
    st.fixed_dictionaries(
        {},
        optional={
            "to": json_bodies | st.from_regex(r"\+?[0-9 ()-]{0,20}", fullmatch=True),
            "lead_id": json_bodies,
        },
    )
    | json_bodies
)


@FUZZ
@given(body=outbound_bodies)
def test_outbound_call_with_any_body(app_client: TestClient, body: Any) -> None:
    response = app_client.post("/api/outbound-call", json=body)
    _clear_4xx(response)
    assert response.status_code in (201, 403, 404, 422, 429), response.text


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["status", "direction", "q", "since", "until", "limit", "offset", "sort"]),
        st.text(max_size=30),
        max_size=5,
    ),
    ref=st.text(
        st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="/?#%\\"),
        min_size=1,
        max_size=30,
    ).filter(lambda r: r.strip(".") != ""),
)
def test_call_queries_with_any_parameters(
    app_client: TestClient, params: dict[str, str], ref: str
) -> None:
    _clear_4xx(app_client.get("/api/calls", params=params))
    _clear_4xx(app_client.get(f"/api/calls/{ref}"))
    _clear_4xx(app_client.get("/api/leads", params=params))


@FUZZ
@given(body=json_bodies | st.fixed_dictionaries({"number": json_bodies, "reason": json_bodies}))
def test_do_not_call_with_any_body(app_client: TestClient, body: Any) -> None:
    response = app_client.post("/api/do-not-call", json=body)
    _clear_4xx(response)
    assert response.status_code in (200, 201, 422)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_bodies_that_are_not_json_or_forms(app_client: TestClient, raw: bytes) -> None:
    for path in ("/api/outbound-call", "/api/do-not-call"):
        _clear_4xx(app_client.post(path, content=raw, headers={"Content-Type": "application/json"}))
    response = app_client.post(
        "/api/call-status",
        content=raw,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code < 500


def test_oversized_bodies_are_413_on_every_route(app_client: TestClient) -> None:
    big = b"x" * (DEFAULT_LIMIT + 1)
    for path in ("/api/outbound-call", "/api/do-not-call", "/api/auth/login", "/api/nowhere"):
        response = app_client.post(path, content=big, headers={"Content-Type": "text/plain"})
        assert response.status_code == 413, path
        assert "too large" in response.json()["detail"]
    webhook = app_client.post("/api/call-status", data={"CallSid": "CA1", "Pad": "y" * 70_000})
    assert webhook.status_code == 413
    assert app_client.get("/api/health").status_code == 200


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(app_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"y" * 16_384

    response = app_client.post(
        "/api/outbound-call", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_a_body_within_the_limit_reaches_the_route_unchanged(app_client: TestClient) -> None:
    response = app_client.post("/api/do-not-call", json={"number": "+447911123456", "reason": "x"})
    assert response.status_code == 201 and response.json()["number"] == "+447911123456"
    bad_length = app_client.post(
        "/api/do-not-call", content=b"{}", headers={"Content-Length": "abc"}
    )
    assert bad_length.status_code in (400, 422)
