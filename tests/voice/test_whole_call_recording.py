"""A recorded call through the simulated Twilio, our endpoints and the fake Realtime service:
the WAV served by the API has both channels at 8 kHz, lasts as long as the call's media, and
the agent audio the caller cut off is not in it."""

import io
import wave
from collections.abc import Callable

import httpx
import numpy as np
import pytest

from callcenter.sim.caller import CallerLine
from callcenter.sim.carrier import SimulatedCall, SimulatorCarrier
from tests.conftest import TEST_API_TOKEN
from tests.fakes.realtime_server import FakeRealtime, Reply, Script
from tests.voice.test_whole_call import hear_audio, in_app_loop, running_core


def silent_runs(active: np.ndarray, rate: int = 8000) -> list[tuple[float, float]]:
    """(start, length) in seconds of every stretch where `active` is False."""
    edges = np.flatnonzero(np.diff(np.concatenate(([1], active.astype(np.int8), [1]))))
    starts, ends = edges[0::2], edges[1::2]
    return [(s / rate, (e - s) / rate) for s, e in zip(starts, ends, strict=True)]


def test_recording_has_both_sides_the_call_length_and_a_gap_where_the_caller_cut_in(
    env: dict[str, str],
    start_fake: Callable[[Script], FakeRealtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = start_fake(
        Script(
            replies=[
                Reply(" ".join(f"word{i}" for i in range(50)), audio_ms=5000),
                Reply("Sorry, go ahead.", audio_ms=300),
            ],
            caller_says=["Wait, stop."],
        )
    )

    async def caller(line: CallerLine) -> None:
        assert await line.hear(timeout=10)  # the long greeting begins
        await hear_audio(line, 1.0)  # about a second of it
        await line.say(b"\x22" * 8 * 1000)  # the caller talks over it (400 ms cut it off)
        await hear_audio(line, 2.0)
        await line.hang_up()

    with running_core(env, fake) as (server, services):
        carrier = services.carrier
        assert isinstance(carrier, SimulatorCarrier)
        call: SimulatedCall = in_app_loop(server, carrier.place_inbound_call(caller=caller)).result(
            10
        )
        in_app_loop(server, call.wait(20)).result(25)
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {TEST_API_TOKEN}"}
        ) as api:
            body = api.get(f"/api/calls/{call.call_sid}").json()
            whole = api.get(body["recording_url"])
            part = api.get(body["recording_url"], headers={"Range": "bytes=0-99"})
            by_id = api.get(f"/api/calls/{body['id']}/recording")

    stats = call.streams[0]
    assert body["recording_url"] == f"/api/calls/{call.call_sid}/recording"
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/wav"
    assert by_id.content == whole.content
    assert part.status_code == 206 and part.content == whole.content[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(whole.content)}"

    with wave.open(io.BytesIO(whole.content)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (2, 8000, 2)
        frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").reshape(-1, 2)
    media_seconds = stats.media_sent * 0.020
    assert abs(len(frames) / 8000 - media_seconds) <= 1.0, (len(frames) / 8000, media_seconds)

    caller_side, agent_side = frames[:, 0] != 0, frames[:, 1] != 0
    heard_seconds = stats.bytes_played / 8000
    agent_seconds = agent_side.sum() / 8000
    # Only what was played: about 1.2 s of the 5 s greeting plus the short reply.
    assert abs(agent_seconds - heard_seconds) <= 0.3, (agent_seconds, heard_seconds)
    assert agent_seconds < 2.5
    # The caller's words (the first sound on the left) cut the greeting off on the right:
    # agent audio right up to them, none while they are spoken.
    talk = np.flatnonzero(caller_side)
    talk_start, talk_end = talk[0], talk[0] + 1000 * 8
    assert agent_side[talk_start - 4000 : talk_start].sum() >= 2000  # the greeting, until then
    # 400 ms of speech decide the barge-in; then a frame or so for the clear.
    cut_off = agent_side[talk_start + 500 * 8 : talk_end].mean()
    with capsys.disabled():
        print(
            f"\nrecording {len(frames) / 8000:.2f} s for {media_seconds:.2f} s of media; agent "
            f"{agent_seconds:.2f} s recorded, {heard_seconds:.2f} s played; caller spoke at "
            f"{talk_start / 8000:.2f} s, agent audio while they spoke: {cut_off:.0%}"
        )
    assert cut_off <= 0.1
    gaps = [(s, n) for s, n in silent_runs(agent_side) if s <= talk_start / 8000 + 0.6]
    assert gaps and gaps[-1][1] >= 0.3  # the barge-in gap
