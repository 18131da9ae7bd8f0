"""The browser softphone: a WebSocket that makes the browser the caller of a simulated call.

The browser speaks Twilio's Media Streams messages (20 ms μ-law `media` frames) to
`WS /api/softphone`; we place a real simulated inbound call (webhooks, media stream, bridge,
transcript, lead) whose caller audio is the browser's, and send the agent's audio back as it
plays. The page's scripts are served from `assets/softphone/` under `/api/softphone/static/`.
"""

import asyncio
import base64
import binascii
import contextlib
import json
import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

from callcenter.accounts import service as accounts
from callcenter.config import get_settings
from callcenter.db.session import session_scope
from callcenter.rest.deps import SESSION_COOKIE
from callcenter.services import Services
from callcenter.telephony.carriers.caller import CallerLine
from callcenter.telephony.carriers.simulator import SimulatorCarrier

log = logging.getLogger(__name__)

router = APIRouter()

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "softphone"
STATIC_FILES = {"softphone.js", "ulaw-worklet.js"}
SOFTPHONE_NUMBER = "+15005550199"  # the caller id a browser call shows
UNAUTHORIZED = 4401  # WebSocket close code: no dashboard session or API token


@router.get("/api/softphone/static/{name}", include_in_schema=False)
async def softphone_asset(name: str) -> FileResponse:
    if name not in STATIC_FILES:
        raise HTTPException(status_code=404, detail="not found")
    return FileResponse(ASSETS / name, media_type="text/javascript")


class BrowserCaller:
    """A `SimulatedCaller` whose voice is the browser's microphone and whose ears its speaker."""

    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket
        self._send_lock = asyncio.Lock()
        self.line_ready = asyncio.Event()

    async def __call__(self, line: CallerLine) -> None:
        self.line_ready.set()
        speaker = asyncio.create_task(self._play_agent(line), name="softphone-speaker")
        try:
            await self._forward_microphone(line)
        finally:
            speaker.cancel()
            await asyncio.gather(speaker, return_exceptions=True)
            await line.hang_up()

    async def send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                await self._ws.send_text(json.dumps(message))

    async def _forward_microphone(self, line: CallerLine) -> None:
        """Browser `media` frames → the caller's side of the line, until `stop` or hang-up."""
        while not line.ended:
            try:
                raw = await self._ws.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                return
            message = _parse(raw)
            event = message.get("event")
            if event == "stop":
                return
            if event == "dtmf":
                await line.press(str(message.get("dtmf", {}).get("digit", ""))[:1])
            elif event == "media":
                audio = _payload(message)
                if audio:
                    await line.say(audio)

    async def _play_agent(self, line: CallerLine) -> None:
        """Agent audio as it plays on the line → browser `media` frames."""
        while True:
            chunk = await line.hear(timeout=1.0)
            if chunk is None:
                await self.send({"event": "stop"})
                with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                    await self._ws.close()
                return
            if chunk:
                payload = base64.b64encode(chunk).decode("ascii")
                await self.send({"event": "media", "media": {"payload": payload}})


def _parse(raw: str) -> dict[str, Any]:
    try:
        message = json.loads(raw)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}


def _payload(message: dict[str, Any]) -> bytes:
    media = message.get("media")
    if not isinstance(media, dict):
        return b""
    try:
        return base64.b64decode(str(media.get("payload", "")), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _authorised(websocket: WebSocket) -> bool:
    """A dashboard session cookie, or the API token as `?token=` (scripts and tests)."""
    settings = get_settings()
    token = websocket.query_params.get("token", "")
    cookie = websocket.cookies.get(SESSION_COOKIE, "")
    with session_scope() as session:
        if token and accounts.api_token_valid(session=session, settings=settings, presented=token):
            return True
        return bool(cookie) and accounts.user_for_session(session=session, token=cookie) is not None


@router.websocket("/api/softphone")
async def softphone(websocket: WebSocket) -> None:
    """One browser call: accept, place the simulated call, shuttle audio until either side ends."""
    services: Services = websocket.app.state.services
    await websocket.accept()
    if not await asyncio.to_thread(_authorised, websocket):
        await websocket.close(code=UNAUTHORIZED, reason="sign in first")
        return
    carrier = services.carrier
    if not isinstance(carrier, SimulatorCarrier):
        await websocket.close(code=1011, reason="the softphone needs the simulated carrier")
        return
    caller = BrowserCaller(websocket)
    call = await carrier.place_inbound_call(from_=SOFTPHONE_NUMBER, caller=caller)
    await caller.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
    await caller.send({"event": "start", "start": {"callSid": call.call_sid}})
    log.info("softphone call placed", extra={"call_sid": call.call_sid})
    try:
        await call.wait()
    finally:
        if not call.ended.is_set():
            await carrier.hang_up(call.call_sid)
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close()
