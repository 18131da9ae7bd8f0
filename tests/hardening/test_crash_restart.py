"""The server process is SIGKILLed mid-call and started again: nothing committed is lost, the
call is closed (`failed` / `error`) within 30 s of the new process being healthy, the lead and
team email are still produced, and the call's recording is a valid WAV of the audio so far."""

import asyncio
import io
import os
import signal
import subprocess
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from sqlmodel import Session, select

from callcenter.calls.sweeper import call_lease_name
from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import Call, CallStatus, EndReason, OutboxMessage, TranscriptTurn
from callcenter.db.repo import jobs
from callcenter.db.session import get_engine
from callcenter.sim.carrier import SimulatorCarrier
from tests.conftest import TEST_API_TOKEN
from tests.fakes.realtime_server import API_KEY, FakeRealtime
from tests.hardening.stack import GREETING, TWILIO_TOKEN, RemoteCaller, greeting_script
from tests.support.servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]
T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    child = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    child.update(env)
    child["LOG_FORMAT"] = "json"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "callcenter.api:create_api",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--app-dir",
        str(ROOT),
    ]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=child, stdout=out, stderr=out)


def _configure(env: dict[str, str], port: int, fake: FakeRealtime, **extra: str) -> Settings:
    """Point the settings at a server on `port` using `fake` for voice; migrate its database."""
    for key, value in {
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "CARRIER": "simulator",
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": fake.base_url,
        "VOICE_ENGINE": "openai",
        **extra,
    }.items():
        env[key] = value  # one by one: each assignment resets the cached settings
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    return settings


async def _healthy(port: int, within: float = 60) -> float:
    async with httpx.AsyncClient(timeout=2) as http, asyncio.timeout(within):
        while True:
            try:
                if (await http.get(f"http://127.0.0.1:{port}/api/health")).status_code == 200:
                    return time.monotonic()
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)  # a process starting gives no event; a bounded poll


async def _until(check: Callable[[], T | None], within: float, what: str) -> T:
    try:
        async with asyncio.timeout(within):
            while True:
                value = await asyncio.to_thread(check)
                if value:
                    return value
                await asyncio.sleep(0.05)  # the database gives no event; a bounded poll
    except TimeoutError:
        raise AssertionError(f"timed out after {within} s waiting for {what}") from None


def _seconds_on_disk(wav: Path) -> float:
    """Seconds of stereo 16-bit 8 kHz audio in the file so far (the writer appends in steps)."""
    size = wav.stat().st_size if wav.exists() else 0
    return max(0, size - 44) / (2 * 2 * 8000)


def _call() -> Call | None:
    with Session(get_engine()) as session:
        return session.exec(select(Call)).first()


def _texts(call_id: int) -> list[str]:
    with Session(get_engine()) as session:
        query = select(TranscriptTurn).where(TranscriptTurn.call_id == call_id)
        return [t.text for t in session.exec(query.order_by(TranscriptTurn.id)).all()]  # type: ignore[arg-type]


def _leased(call_id: int) -> bool:
    with Session(get_engine()) as session:
        return jobs.get_lease(session=session, name=call_lease_name(call_id)) is not None


async def test_sigkill_mid_call_then_restart(env: dict[str, str], tmp_path: Path) -> None:
    fake = FakeRealtime(greeting_script())
    fake.start()
    port = free_port()
    settings = _configure(
        env, port, fake, BACKGROUND_WORKERS="true", TEAM_NOTIFY_EMAILS="team@example.com"
    )
    log = tmp_path / "server.log"
    first = _serve(dict(env), port, log)
    second: subprocess.Popen[bytes] | None = None
    try:
        await _healthy(port)
        twilio = SimulatorCarrier(settings)
        caller = RemoteCaller()
        sim_call = await twilio.place_inbound_call(caller=caller)
        await caller.wait_quiet()
        await caller.say(600)
        await caller.wait_heard(caller.heard_bytes + 600 * 8)
        await caller.wait_quiet()
        call = await _until(_call, 10, "the call row")
        assert call.id is not None
        await _until(lambda: len(_texts(call.id)) == 3 or None, 10, "three turns committed")
        await _until(lambda: _leased(call.id), 10, "the heartbeat's lease on the call")
        wav_path = Path(settings.recordings_dir) / f"{call.call_sid}.wav"
        await _until(
            lambda: _seconds_on_disk(wav_path) >= 0.5, 10, "half a second of the recording written"
        )

        first.send_signal(signal.SIGKILL)
        first.wait(10)
        await sim_call.wait(15)  # the caller's line drops with the server
        stuck = await asyncio.to_thread(_call)
        assert stuck is not None and stuck.status == CallStatus.in_progress

        second = _serve(dict(env), port, log)
        healthy_at = await _healthy(port)
        closed = await _until(
            lambda: (c := _call()) is not None and c.status == CallStatus.failed and c,
            30,
            "the orphaned call closed",
        )
        closed_after = time.monotonic() - healthy_at
        final = await _until(
            lambda: (c := _call()) is not None and c.finalized_at is not None and c,
            30,
            "the orphaned call finalised",
        )
        with Session(get_engine()) as session:
            emails = session.exec(select(OutboxMessage).where(OutboxMessage.call_id == call.id))
            recipients = [m.to_address for m in emails.all()]
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {TEST_API_TOKEN}"},
        ) as http:
            recording = await http.get(f"/api/calls/{call.id}/recording")
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(15)
        fake.stop()

    assert closed_after < 30
    assert (closed.status, closed.end_reason) == (CallStatus.failed, EndReason.error)
    assert _texts(call.id) == [GREETING, "My name is Ada Lovelace.", "Nice to meet you, Ada."]
    assert final.lead_id is not None
    assert recipients == ["team@example.com"]
    # The recording of the killed call is a valid WAV with the audio written before the kill
    # (its header repaired at start-up if the kill fell between an append and its header).
    assert recording.status_code == 200
    with wave.open(io.BytesIO(recording.content)) as wav:
        assert (wav.getnchannels(), wav.getframerate()) == (2, 8000)
        assert wav.getnframes() / 8000 >= 0.5


async def test_sigterm_lets_the_agent_say_goodbye_then_exits(
    env: dict[str, str], tmp_path: Path
) -> None:
    fake = FakeRealtime(greeting_script())
    fake.start()
    port = free_port()
    settings = _configure(env, port, fake, SHUTDOWN_GRACE_SECONDS="0.5")
    server = _serve(dict(env), port, tmp_path / "server.log")
    try:
        await _healthy(port)
        caller = RemoteCaller()
        sim_call = await SimulatorCarrier(settings).place_inbound_call(caller=caller)
        await caller.wait_quiet()
        heard = caller.heard_bytes
        server.send_signal(signal.SIGTERM)
        await sim_call.wait(30)
        code = await asyncio.to_thread(server.wait, 30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
        fake.stop()
    call = _call()
    assert call is not None
    assert (call.status, call.end_reason) == (CallStatus.completed, EndReason.shutdown)
    assert caller.heard_bytes > heard  # the goodbye played before the hang-up
    assert code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
