"""The browser softphone in Chromium with a fake microphone fed from a flite WAV file."""

import asyncio
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import playwright.async_api as playwright_api
import pytest
from fastapi.responses import HTMLResponse

from callcenter.api import create_api
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.sim.speech import render
from callcenter.voice.providers.local.audio import ulaw_to_pcm
from tests.conftest import TEST_API_TOKEN
from tests.support.app_server import RunningServer, serve_in_thread
from tests.support.servers import free_port

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.filterwarnings("ignore:The `websockets` implementation is deprecated"),
]
CHROMIUM = "/usr/bin/chromium"
PAGE = """<!doctype html><html><body>
<button data-softphone="call">Call me in the browser</button>
<button data-softphone="hangup">Hang up</button>
<p id="softphone-status">Ready.</p>
<script src="/api/softphone/static/softphone.js"></script>
</body></html>"""


def _microphone_wav(path: Path) -> Path:
    """6 s of silence (the greeting), the caller's name, then silence: Chromium loops it."""
    speech = ulaw_to_pcm(render("my name is dana reyes", "kal"))
    pcm = np.concatenate([np.zeros(6 * 8000), speech, np.zeros(8 * 8000)]).astype(np.int16)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(pcm.tobytes())
    return path


@pytest.fixture
def core(env: dict[str, str]) -> Iterator[RunningServer]:
    port = free_port()
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    app = create_api(settings)

    @app.get("/softphone-test")
    def _page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    with serve_in_thread(app, port=port) as server:
        yield server


async def test_speaking_into_the_browser_reaches_the_agent_and_its_reply_plays(
    core: RunningServer, tmp_path: Path
) -> None:
    wav = _microphone_wav(tmp_path / "mic.wav")
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"{core.base_url}/softphone-test?token={TEST_API_TOKEN}")
            await page.get_by_role("button", name="Call me in the browser").click()
            await page.wait_for_function("document.body.dataset.callSid", timeout=15000)
            call_sid = await page.evaluate("document.body.dataset.callSid")
            await page.wait_for_function(
                "window.callcenterSoftphone.framesIn > 50", timeout=15000
            )  # more than a second of the agent's greeting reached the speaker
            transcript = await _wait_for_caller_words(core.base_url, call_sid, "my name is")
            assert await page.evaluate("window.callcenterSoftphone.framesOut") > 100
            await page.get_by_role("button", name="Hang up").click()
            assert errors == []
        finally:
            await browser.close()
    # The recording notice comes first (RECORD_CALLS is on by default), then the greeting.
    assert any(
        t["role"] == "agent"
        and t["text"].startswith("This call may be recorded.")
        and "Thanks for calling" in t["text"]
        for t in transcript
    )


async def _wait_for_caller_words(base_url: str, call_sid: str, word: str) -> list[dict]:
    headers = {"Authorization": f"Bearer {TEST_API_TOKEN}"}
    transcript: list[dict] = []
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as http:
        for _ in range(150):
            response = await http.get(f"/api/calls/{call_sid}")
            if response.status_code == 200:
                transcript = response.json().get("transcript", [])
                said = " ".join(t["text"].lower() for t in transcript if t["role"] == "caller")
                if word in said:
                    return transcript
            await asyncio.sleep(0.2)  # polling the API as a user's page would
    raise AssertionError(f"{word!r} never showed in the transcript of {call_sid}: {transcript}")
