"""'Don't call me again' on a whole call: the agent's end_call with reason do_not_call puts the
other party's number on the do-not-call list, and dialling it afterwards is refused."""

from collections.abc import Callable

import httpx
import pytest

from callcenter.sim.caller import CallerLine
from callcenter.sim.carrier import SimulatedCall, SimulatorCarrier
from callcenter.voice.tools import default_tools
from callcenter.voice.tools.end_call import asks_do_not_call
from tests.conftest import TEST_API_TOKEN
from tests.fakes.realtime_server import FakeRealtime, Reply, Script
from tests.voice.test_whole_call import SPEECH, hear_audio, in_app_loop, running_core

NUMBER = "+14155550123"


def test_the_end_call_tool_tells_the_model_which_reason_lists_the_number() -> None:
    [end_call] = [t for t in default_tools().specs() if t.name == "end_call"]
    assert '"do_not_call"' in end_call.description
    assert asks_do_not_call({"reason": "do_not_call"})
    assert asks_do_not_call({"reason": "Caller asked: do not call"})
    assert not asks_do_not_call({"reason": "conversation finished"})
    assert not asks_do_not_call({})


@pytest.mark.parametrize("direction", ["outbound", "inbound"])
def test_caller_asking_not_to_be_called_again_is_listed_and_never_dialled_again(
    env: dict[str, str], start_fake: Callable[[Script], FakeRealtime], direction: str
) -> None:
    env["CALLING_HOURS"] = "00:00-24:00"
    env["ALLOWED_COUNTRIES"] = "US"
    fake = start_fake(
        Script(
            replies=[
                Reply("Hi, this is Acme. Is now a good time?", audio_ms=400),
                Reply(
                    "Understood, we won't call you again. Goodbye.",
                    audio_ms=400,
                    tool=("end_call", {"reason": "do_not_call"}),
                ),
            ],
            caller_says=["Please don't call me again."],
        )
    )
    heard = [0, 0]  # bytes of agent audio before / after the caller spoke

    async def callee(line: CallerLine) -> None:
        heard[0] = await hear_audio(line, 1.0)
        await line.say(SPEECH)
        while (chunk := await line.hear(timeout=5.0)) is not None:  # until the agent hangs up
            heard[1] += len(chunk)

    with running_core(env, fake) as (server, core):
        carrier = core.carrier
        assert isinstance(carrier, SimulatorCarrier)
        carrier.caller_factory = lambda info: callee
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {TEST_API_TOKEN}"}
        ) as api:
            if direction == "outbound":
                placed = api.post("/api/outbound-call", json={"to": NUMBER})
                assert placed.status_code == 201, placed.text
                call_sid = placed.json()["call_sid"]
                call: SimulatedCall = carrier.calls[call_sid]
            else:
                call = in_app_loop(
                    server, carrier.place_inbound_call(from_=NUMBER, caller=callee)
                ).result(10)
            in_app_loop(server, call.wait(20)).result(25)
            final = api.get(f"/api/calls/{call.call_sid}").json()
            listed = api.get("/api/do-not-call").json()["items"]
            again = api.post("/api/outbound-call", json={"to": NUMBER})

    assert final["status"] == "completed" and final["end_reason"] == "agent_ended"
    assert heard[1] >= 400 * 8 - 320  # the goodbye played before the line closed
    assert [(row["number"], row["source"]) for row in listed] == [(NUMBER, "caller_request")]
    assert again.status_code == 403
    assert "do-not-call" in again.json()["detail"]
