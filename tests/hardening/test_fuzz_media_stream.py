"""Hostile frames over a real WebSocket to `/media-stream` (signed handshake, like Twilio):
malformed JSON, wrong types, binary and huge frames, events out of order, forged `start`
parameters. The server never errors, each socket ends cleanly, and a real call running at the
same time is not disturbed."""

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from callcenter.telephony.signature import sign
from tests.hardening.stack import (
    GREETING,
    TWILIO_TOKEN,
    RemoteCaller,
    Stack,
    greeting_script,
    running_stack,
    wait_server_side,
)
from tests.hardening.test_fuzz_protocol import twilio_like

pytestmark = pytest.mark.timeout(240)
SID = "MZ" + "f" * 32


def _media(payload: str) -> str:
    return json.dumps(
        {
            "event": "media",
            "streamSid": SID,
            "media": {"track": "inbound", "chunk": "1", "timestamp": "20", "payload": payload},
        }
    )


frames = st.one_of(
    st.binary(min_size=1, max_size=200),  # binary frames
    st.text(max_size=120),  # not JSON, or not an object
    twilio_like.map(json.dumps),  # the right shape with wrong types
    st.binary(max_size=320).map(lambda b: _media(base64.b64encode(b).decode())),  # valid audio
    # (Payloads that are not base64 are passed through untouched by design — the audio path
    # never decodes — and the Realtime service answers them with an `error` event.)
    st.just(_media("A" * 70_000)),  # a huge frame
    st.just(json.dumps({"event": "stop", "streamSid": SID})),  # early stop
    st.just(json.dumps({"event": "mark", "streamSid": SID, "mark": {"name": "nope"}})),
    st.just(json.dumps({"event": "dtmf", "streamSid": SID, "dtmf": {"digit": "#"}})),
)
call_id_params = st.sampled_from(["real", "", "0", "-1", "999999", "1e3", " 1", "abc"])
# Found by this fuzzing; pinned below as their own tests until the stream start is fixed.
CRASHING_CALL_IDS = ["²", "9" * 40]


@pytest.fixture
def stack(env: dict[str, str]) -> Iterator[Stack]:
    with running_stack(env, greeting_script(pace=1.0)) as running:
        yield running


def _inbound_call_id(stack: Stack, n: int) -> str:
    form = {"CallSid": f"CA{n:032x}", "From": "+14155550100", "To": "+15005550006"}
    url = stack.settings.public_base_url + "/api/inbound-call"
    response = httpx.post(
        stack.server.base_url + "/api/inbound-call",
        data=form,
        headers={"X-Twilio-Signature": sign(TWILIO_TOKEN, url, form)},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    match = re.search(r'name="call_id" value="(\d+)"', response.text)
    assert match, response.text
    return match.group(1)


def _exchange(
    stack: Stack, opening: list[str], fuzz: list[Any], *, wait_for_server: bool = True
) -> int | None:
    """Send the frames; return the close code the server ended the socket with (or hang up
    ourselves when the stream never started: the server would wait for `start`)."""
    url = stack.settings.stream_url
    headers = {"X-Twilio-Signature": sign(TWILIO_TOKEN, url)}
    with connect(
        url.replace(
            stack.settings.public_base_url.split("://")[1], f"127.0.0.1:{stack.server.port}"
        ),
        additional_headers=headers,
        open_timeout=10,
        close_timeout=10,
        max_size=2**22,
    ) as ws:
        try:
            for frame in [*opening, *fuzz]:
                ws.send(frame)
            ws.send(json.dumps({"event": "stop", "streamSid": SID}))
            if not wait_for_server:
                ws.close()
                return None
            while True:  # drain what the agent sends until the server closes
                ws.recv(timeout=10)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            return None
    return None


counter = iter(range(1, 10**6))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    started=st.booleans(),
    call_param=call_id_params,
    fuzz=st.lists(frames, max_size=12),
    extra_params=st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)
def _fuzz_one(
    stack: Stack, started: bool, call_param: str, fuzz: list[Any], extra_params: dict[str, str]
) -> None:
    opening = [json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})]
    if started:
        n = next(counter)
        call_id = _inbound_call_id(stack, n) if call_param == "real" else call_param
        params = {**extra_params, "call_id": call_id, "direction": "inbound"}
        opening.append(
            json.dumps(
                {
                    "event": "start",
                    "sequenceNumber": "1",
                    "streamSid": SID,
                    "start": {
                        "streamSid": SID,
                        "accountSid": "AC" + "0" * 32,
                        "callSid": f"CA{n:032x}",
                        "tracks": ["inbound"],
                        "customParameters": params,
                        "mediaFormat": {
                            "encoding": "audio/x-mulaw",
                            "sampleRate": 8000,
                            "channels": 1,
                        },
                    },
                }
            )
        )
    code = _exchange(stack, opening, fuzz, wait_for_server=started)
    assert code != 1011, "the server failed while handling the stream"
    assert "Exception in ASGI" not in stack.logs.getvalue()


def test_hostile_streams_never_break_the_server_or_another_call(stack: Stack) -> None:
    caller = RemoteCaller()
    call = stack.place_call(caller)
    stack.run(caller.wait_quiet())

    _fuzz_one(stack)

    # The real call is still fine: the caller speaks, the agent answers (the fake service's
    # script is shared by every connection, so only the shape of the turns is checked).
    heard = caller.heard_bytes
    stack.run(caller.say(600))
    stack.run(caller.wait_heard(heard + 200 * 8))
    stack.run(caller.wait_quiet())
    stack.run(caller.hang_up())
    stack.wait(call)
    wait_server_side(stack)
    row = stack.call_row(call.call_sid)
    turns = stack.turns(row.id)
    assert turns[0].text == GREETING
    assert [t.role for t in turns] == ["agent", "caller", "agent"]
    assert httpx.get(stack.server.base_url + "/api/health").status_code == 200
    server_errors = [
        line for line in stack.logs.getvalue().splitlines() if "Exception in ASGI" in line
    ]
    assert not server_errors, server_errors[:1]


def _start_frame(call_id: str) -> str:
    return json.dumps(
        {
            "event": "start",
            "streamSid": SID,
            "start": {
                "streamSid": SID,
                "callSid": "CA" + "e" * 32,
                "customParameters": {"call_id": call_id, "direction": "inbound"},
            },
        }
    )


@pytest.mark.parametrize("call_id", CRASHING_CALL_IDS)
def test_a_forged_start_with_a_strange_call_id_is_refused_cleanly(
    stack: Stack, call_id: str
) -> None:
    code = _exchange(stack, [_start_frame(call_id)], [])
    assert code in (1000, 1008), code
