"""The simulator plays Twilio end to end against the served core: webhooks, stream, callbacks."""

import asyncio
import base64
import wave
from pathlib import Path

import numpy as np
import pytest

from callcenter.calls.carrier import CarrierError
from callcenter.sim import callers as sim_callers
from callcenter.sim.carrier import SIMULATED_PRICE, SimulatedCall, SimulatorCarrier
from callcenter.telephony.protocol import MediaMessage, StartMessage, StopMessage, parse_inbound
from tests.support.served_core import ServedCore, calls_in_db, inbound_params, status_events
from tests.telephony.helpers import on_server_loop


def _sim(core: ServedCore) -> SimulatorCarrier:
    carrier = core.parts.carrier
    assert isinstance(carrier, SimulatorCarrier)
    return carrier


def _place_outbound(core: ServedCore) -> SimulatedCall:
    """`POST /api/outbound-call`, and the simulator's record of the call it placed."""
    with core.api() as api:
        body = api.post("/api/outbound-call", json={"to": "+14155550123"}).json()
    return _sim(core).calls[body["call_sid"]]


async def test_inbound_call_speaks_twilios_stream_protocol_in_real_time(core: ServedCore) -> None:
    carrier = SimulatorCarrier(core.settings, keep_sent_messages=True)
    call = await carrier.place_inbound_call(caller=sim_callers.silence_caller(1.0))
    await call.wait(timeout=20)

    [record] = calls_in_db()
    assert record.id is not None
    assert (record.call_sid, record.status.value) == (call.call_sid, "completed")
    assert record.end_reason is not None and record.end_reason.value == "caller_hung_up"
    assert record.duration_seconds is not None and 1 <= record.duration_seconds <= 3
    statuses = [e.status for e in status_events(record.id)]
    assert statuses == ["ringing", "in-progress", "completed"]

    [stats] = call.streams
    messages = stats.sent_messages
    assert messages[0] == {"event": "connected", "protocol": "Call", "version": "1.0.0"}
    start = messages[1]
    assert start["sequenceNumber"] == "1"
    assert start["start"]["callSid"] == call.call_sid
    assert start["start"]["streamSid"] == start["streamSid"]
    assert start["start"]["customParameters"] == {"call_id": str(record.id), "direction": "inbound"}
    assert start["start"]["mediaFormat"] == {
        "encoding": "audio/x-mulaw",
        "sampleRate": 8000,
        "channels": 1,
    }
    media = [m for m in messages if m["event"] == "media"]
    assert [m["media"]["chunk"] for m in media[:3]] == ["1", "2", "3"]
    assert [m["media"]["timestamp"] for m in media[:3]] == ["0", "20", "40"]
    # One second of caller audio, paced in real time: about fifty 20 ms frames.
    assert 35 <= len(media) <= 65
    assert messages[-1]["event"] == "stop"
    assert messages[-1]["stop"] == {"accountSid": carrier.account_sid, "callSid": call.call_sid}
    sequence = [int(m["sequenceNumber"]) for m in messages[1:]]
    assert sequence == list(range(1, len(messages)))
    parsed = [parse_inbound(__import__("json").dumps(m)) for m in messages]
    assert isinstance(parsed[1], StartMessage) and isinstance(parsed[-1], StopMessage)
    assert all(isinstance(p, MediaMessage) and len(p.media.payload) == 216 for p in parsed[2:-1])
    # Our voice engine heard the caller's audio (the bridge may shed a frame under load).
    [voice] = core.voices.sessions
    assert 0.8 * len(media) <= len(voice.frames) <= len(media)


def _callbacks(call: SimulatedCall) -> list[tuple[str, str]]:
    out = []
    for c in call.callbacks:
        what = c.get("AnsweredBy") or c["CallStatus"]
        out.append((c["path"].removeprefix("/api/"), what))
    return out


def test_outbound_call_sends_callbacks_in_twilios_order(core: ServedCore) -> None:
    _sim(core).caller_factory = lambda _info: sim_callers.silence_caller(0.8)
    with core.api() as api:
        body = api.post("/api/outbound-call", json={"to": "+14155550123"}).json()
    call = _sim(core).calls[body["call_sid"]]
    on_server_loop(core, call.wait(timeout=20))
    assert _callbacks(call) == [
        ("call-status", "initiated"),
        ("call-status", "ringing"),
        ("outbound-call-webhook", "in-progress"),
        ("call-status", "in-progress"),
        ("call-status", "human"),
        ("call-status", "completed"),
    ]
    assert call.callbacks[-1]["CallDuration"] in ("0", "1", "2")
    with core.api() as api:
        detail = api.get(f"/api/calls/{body['id']}").json()
    assert detail["status"] == "completed"
    assert detail["answered_by"] == "human"
    assert detail["duration_seconds"] is not None
    history = [h["status"] for h in detail["status_history"]]
    assert history[:3] == ["queued", "ringing", "in-progress"]
    assert history[-1] == "completed"


def test_hang_up_through_the_carrier_stops_the_stream(core: ServedCore) -> None:
    carrier = _sim(core)
    carrier.caller_factory = lambda _info: sim_callers.silence_caller(60)
    call = _place_outbound(core)

    async def hang_up_once_streaming() -> None:
        await core.voices.opened.wait()
        await core.voices.sessions[0].got_frames.wait()
        await carrier.hang_up(call.call_sid)
        await call.wait(timeout=10)

    on_server_loop(core, hang_up_once_streaming())
    [stats] = call.streams
    assert stats.media_sent < 200  # far less than the caller's 60 s
    [record] = calls_in_db()
    assert record.status.value == "completed"
    assert call.callbacks[-1]["CallStatus"] == "completed"


def test_machine_answer_leaves_a_voicemail_and_ends_with_voicemail(core: ServedCore) -> None:
    carrier = _sim(core)
    carrier.caller_factory = lambda _info: sim_callers.machine_caller(30, amd_seconds=0.2)
    carrier.say_seconds_per_char = 0.005  # the voicemail plays in well under a second
    call = _place_outbound(core)
    on_server_loop(core, call.wait(timeout=30))
    assert ("call-status", "machine_end_beep") in _callbacks(call)
    [record] = calls_in_db()
    assert record.answered_by == "machine_end_beep"
    assert record.end_reason is not None and record.end_reason.value == "voicemail"
    assert record.status.value == "completed"


def test_busy_line_ends_busy_without_a_stream(core: ServedCore) -> None:
    carrier = _sim(core)
    carrier.caller_factory = lambda _info: sim_callers.unanswered_caller("busy")
    call = _place_outbound(core)
    on_server_loop(core, call.wait(timeout=10))
    assert call.streams == []
    assert _callbacks(call)[-1] == ("call-status", "busy")
    [record] = calls_in_db()
    assert record.status.value == "busy"
    assert record.end_reason is not None and record.end_reason.value == "busy"
    assert record.duration_seconds == 0


def test_transfer_ends_the_stream_and_dials_the_human(core: ServedCore) -> None:
    carrier = _sim(core)
    carrier.caller_factory = lambda _info: sim_callers.silence_caller(60)
    call = _place_outbound(core)

    async def transfer_once_streaming() -> float:
        await core.voices.opened.wait()
        await core.voices.sessions[0].got_frames.wait()
        loop = asyncio.get_running_loop()
        began = loop.time()
        await carrier.transfer(call.call_sid, "+14155550111")
        await call.wait(timeout=10)
        return loop.time() - began

    elapsed = on_server_loop(core, transfer_once_streaming())
    assert elapsed >= 1.0  # the dialled human's leg ran after the stream stopped
    assert call.callbacks[-1]["CallStatus"] == "completed"
    [stats] = call.streams
    assert stats.media_sent < 200


def test_transfer_of_an_ended_call_is_refused(core: ServedCore) -> None:
    carrier = _sim(core)
    with pytest.raises(CarrierError) as refused:
        on_server_loop(core, carrier.transfer("CA" + "0" * 32, "+14155550111"))
    assert refused.value.code == 21220


def test_inbound_calls_are_turned_away_while_draining(core: ServedCore) -> None:
    from callcenter.calls import drain

    on_server_loop(core, drain.drain_calls(core.parts.live_calls))  # no live calls: returns at once
    try:
        response = core.post_signed("/api/inbound-call", inbound_params("CA" + "3" * 32))
    finally:
        drain.reset()
    assert response.status_code == 200
    assert "<Say>" in response.text and "<Connect>" not in response.text
    assert calls_in_db() == []


async def test_wav_caller_speaks_its_file_into_the_stream(core: ServedCore, tmp_path: Path) -> None:
    path = tmp_path / "hello.wav"
    tone = (np.sin(2 * np.pi * 300 * np.arange(4000) / 16000) * 9000).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(tone.tobytes())
    carrier = SimulatorCarrier(core.settings)
    caller = sim_callers.wav_caller(path, delay=0.1, listen=0.2)
    call = await carrier.place_inbound_call(caller=caller)
    await call.wait(timeout=20)
    [voice] = core.voices.sessions
    spoken = b"".join(base64.b64decode(frame) for frame in voice.frames)
    tone_mulaw = sim_callers.read_wav_as_mulaw(path)
    assert len(tone_mulaw) == 2000
    assert tone_mulaw[:800] in spoken  # its first 100 ms arrived intact, frame-aligned


def test_a_call_another_simulator_placed_is_priced_by_the_app_that_bridged_it(
    core: ServedCore,
) -> None:
    """`call` and `simulate` dial from a simulator of their own while the running app bridges
    the call: the app's after-call still finds the price on the shared simulated account."""
    elsewhere = SimulatorCarrier(core.settings)  # the command's own carrier, not the app's
    placing = elsewhere.place_inbound_call(caller=sim_callers.silence_caller(0.5))
    call = on_server_loop(core, placing)
    on_server_loop(core, call.wait(timeout=20))
    assert call.call_sid not in _sim(core).calls
    [record] = calls_in_db()
    assert record.id is not None and record.call_sid == call.call_sid
    # The app's after-call work, awaited here (the run the bridge started may still be on its
    # way; both are the same idempotent steps, with the app's own carrier).
    on_server_loop(core, core.parts.life.run_after_call(record.id))
    on_server_loop(core, core.parts.life.aclose())
    [record] = calls_in_db()
    assert record.carrier_cost_usd == pytest.approx(float(SIMULATED_PRICE.amount))
