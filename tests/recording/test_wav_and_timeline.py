"""The growing WAV is valid at every step and after a crash; the timeline lines the agent's
audio up with when it was played and leaves out what a barge-in cleared."""

import asyncio
import base64
import contextlib
import io
import os
import resource
import signal
import wave
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np

from callcenter.config import Settings
from callcenter.db.models import Call, CallDirection
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow
from callcenter.recording.recorder import CallRecorder
from callcenter.recording.retention import expire_recordings
from callcenter.recording.store import LocalRecordingStore
from callcenter.recording.timeline import Timeline
from callcenter.recording.wav import GrowingWav, repair
from callcenter.rest.recordings import byte_range
from tests.support.loop_shutdown import Close, closes_at_loop_shutdown

SPEECH = b"\x22" * 160  # 20 ms of non-silent μ-law
SILENCE = b"\xff" * 160


def read(data: bytes) -> np.ndarray:
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (2, 8000, 2)
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").reshape(-1, 2)


def b64(audio: bytes) -> str:
    return base64.b64encode(audio).decode()


def caller_frames(timeline: Timeline, start_ms: int, end_ms: int, audio: bytes) -> None:
    timeline.apply(("c", str(ms), b64(audio)) for ms in range(start_ms, end_ms, 20))


def test_the_file_is_a_valid_wav_after_every_append_and_when_never_closed(tmp_path: Path) -> None:
    path = tmp_path / "CA1.wav"
    handle = path.open("w+b")
    wav = GrowingWav(handle)
    assert len(read(path.read_bytes())) == 0
    timeline = Timeline(wav.append, hold_ms=1000)
    caller_frames(timeline, 0, 3000, SPEECH)
    # No close: the process died mid-call. What is older than the hold window is on disk.
    frames = read(path.read_bytes())
    assert 1.5 <= len(frames) / 8000 <= 2.0
    assert (frames[:, 0] != 0).all() and (frames[:, 1] == 0).all()


def test_repair_fixes_a_header_left_behind_by_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "CA2.wav"
    with path.open("w+b") as handle:
        wav = GrowingWav(handle)
        wav.append(np.ones((800, 2), dtype=np.int16))
        handle.seek(0, 2)
        handle.write(b"\x01\x00" * 2 * 400 + b"\x07")  # data written, header not yet updated
    with path.open("r+b") as handle:
        assert repair(handle)
    assert len(read(path.read_bytes())) == 1200
    with path.open("r+b") as handle:
        assert not repair(handle)  # nothing left to fix
    assert LocalRecordingStore(tmp_path).repair_all() == 0


def test_agent_audio_lands_when_played_and_cleared_audio_never_does() -> None:
    out: list[np.ndarray] = []
    timeline = Timeline(out.append)
    tone = b64(b"\x55" * 800)  # 100 ms of μ-law per chunk
    caller_frames(timeline, 0, 1000, SILENCE)
    timeline.apply(("a", f"a{n}", tone) for n in range(5))
    timeline.apply([("p", "a0", "")])  # played by 1.0 s
    caller_frames(timeline, 1000, 1100, SILENCE)
    # a1 echoed; then the caller cut in: a2..a4 were never heard, their echoes are stale
    timeline.apply([("p", "a1", ""), ("x", "", ""), ("p", "a2", ""), ("p", "a3", "")])
    caller_frames(timeline, 1100, 2000, SPEECH)
    timeline.close()
    frames = np.concatenate(out)
    agent = np.flatnonzero(frames[:, 1])
    assert len(frames) == 16000
    assert len(agent) == 1600  # two chunks, 200 ms
    assert agent[0] == 7200 and agent[-1] == 8799  # from 0.9 s to 1.1 s, back to back


def test_one_mark_places_every_chunk_it_covers_back_to_back() -> None:
    out: list[np.ndarray] = []
    timeline = Timeline(out.append)
    caller_frames(timeline, 0, 1000, SILENCE)
    # Five 20 ms chunks under one mark, echoed at 1.0 s: 100 ms of agent audio ending there.
    timeline.apply([("a", "a1", b64(bytes([0x10 + n]) * 160)) for n in range(5)])
    timeline.apply([("p", "a1", "")])
    caller_frames(timeline, 1000, 2000, SILENCE)
    timeline.close()
    frames = np.concatenate(out)
    agent = np.flatnonzero(frames[:, 1])
    assert agent[0] == 7200 and agent[-1] == 7999 and len(agent) == 800
    # in the order they were sent: each 20 ms stretch holds its own chunk's samples
    firsts = [int(frames[7200 + n * 160, 1]) for n in range(5)]
    assert len(set(firsts)) == 5


async def test_recorder_turns_appended_events_into_a_closed_valid_file(tmp_path: Path) -> None:
    store = LocalRecordingStore(tmp_path)
    started: list[bool] = []
    recorder = CallRecorder(store, "CA3", on_started=lambda: started.append(True))
    for n in range(100):
        recorder.caller(str(n * 20), b64(SPEECH))
    recorder.agent("a1", b64(b"\x55" * 1600))
    recorder.played("a1")
    await recorder.close()
    frames = read((tmp_path / "CA3.wav").read_bytes())
    assert started == [True]
    assert len(frames) == 16000
    assert (frames[:, 1] != 0).sum() == 1600


def test_a_recording_open_when_the_event_loop_shuts_down_is_finished_and_its_call_ends(
    tmp_path: Path,
) -> None:
    """The call, closing its recording on the way out, must not wait for a writer task that was
    cancelled with it; the recording gets the audio it had."""
    store = LocalRecordingStore(tmp_path)

    async def open_call() -> Close:
        recorder = CallRecorder(store, "CA-shutdown")
        for n in range(100):
            recorder.caller(str(n * 20), b64(SPEECH))
        return recorder.close

    assert closes_at_loop_shutdown(open_call, within=30), "the call waits for its recording"
    assert len(read((tmp_path / "CA-shutdown.wav").read_bytes())) == 16000


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """No file of this process may grow past `limit` bytes (a write past it fails, EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


async def test_calls_recorded_together_each_get_their_file_and_one_failure_stays_its_own(
    tmp_path: Path,
) -> None:
    store = LocalRecordingStore(tmp_path)
    keys = [f"CA{n}" for n in range(20)]
    recorders = [CallRecorder(store, key) for key in keys]
    long_call = CallRecorder(store, "CA-long")
    with file_size_limit(20_000):  # 0.6 s of a recording
        for n in range(50):  # a second of the long call, interleaved with the others' 0.2 s
            if n < 10:
                for recorder in recorders:
                    recorder.caller(str(n * 20), b64(SPEECH))
            long_call.caller(str(n * 20), b64(SPEECH))
        await asyncio.gather(*(r.close() for r in [*recorders, long_call]))
    for key in keys:
        frames = read((tmp_path / f"{key}.wav").read_bytes())
        assert len(frames) == 1600  # every call's 0.2 s is there
        assert (frames[:, 0] != 0).all()
    # The recording that hit the limit was given up on, alone (its close still returned).
    assert long_call.closed.is_set() and long_call.frames_written == 0


def test_byte_ranges() -> None:
    assert byte_range("bytes=0-99", 1000) == (0, 99)
    assert byte_range("bytes=900-", 1000) == (900, 999)
    assert byte_range("bytes=-100", 1000) == (900, 999)
    assert byte_range("bytes=990-2000", 1000) == (990, 999)
    assert byte_range("bytes=1000-", 1000) is None
    assert byte_range("items=0-1", 1000) is None


def test_retention_deletes_only_old_recordings(tmp_path: Path, migrated: Settings) -> None:
    store = LocalRecordingStore(tmp_path)
    for key in ("CAold", "CAnew"):
        with store.create(key) as handle:
            GrowingWav(handle)
    old = (utcnow() - timedelta(days=91)).timestamp()
    os.utime(tmp_path / "CAold.wav", (old, old))
    assert store.older_than(utcnow() - timedelta(days=90)) == ["CAold"]
    assert store.size("CAnew") == 44 and store.open("../etc") is None
    with session_scope() as session:
        call = calls_repo.create_call(
            session=session, direction=CallDirection.inbound, from_number="+1", to_number="+2"
        )
        call.recording_key = "CAold"
        call_id = call.id
    assert expire_recordings(store, retention_days=90, now=utcnow()) == ["CAold"]
    assert not (tmp_path / "CAold.wav").exists() and (tmp_path / "CAnew.wav").exists()
    with session_scope() as session:
        assert session.get(Call, call_id).recording_key is None  # type: ignore[union-attr]
