"""The browser softphone: a WebSocket that makes the browser the caller of a simulated call.

The browser speaks Twilio's Media Streams messages (20 ms μ-law `media` frames) to
`WS /api/softphone`; we place a real simulated inbound call (webhooks, media stream, bridge,
transcript, lead) whose caller audio is the browser's, and send the agent's audio back as it
plays. The page's scripts are served from `assets/softphone/` under `/api/softphone/static/`.

With `?standby=1` the page instead waits to be called: an outbound call to the page's number
(or to any number, with `&ring=any`) rings it with an `incoming` message; the browser answers
(`answer`), declines (`decline`, the call ends `busy`) or lets it ring out (`no-answer`).
"""

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import weakref
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

from callcenter.accounts import service as accounts
from callcenter.app_state import carrier as carrier_of
from callcenter.config import get_settings
from callcenter.db.session import session_scope
from callcenter.sim.caller import CallerLine, SimulatedCaller
from callcenter.sim.carrier import (
    SimCallInfo,
    SimulatorCarrier,
    default_caller_factory,
)

log = logging.getLogger(__name__)

router = APIRouter()

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "softphone"
STATIC_FILES = {"softphone.js", "ulaw-worklet.js"}
SOFTPHONE_NUMBER = "+15005550199"  # the caller id a browser call shows
# The number that rings a softphone page on standby (fictional 555-01xx, passes the guardrails).
RING_NUMBER = "+14155550199"
UNAUTHORIZED = 4401  # WebSocket close code: no dashboard session or API token
RING_SECONDS = 30.0  # an unanswered softphone rings this long, then the call ends no-answer


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
    cookie = websocket.cookies.get(accounts.SESSION_COOKIE, "")
    with session_scope() as session:
        if token and accounts.api_token_valid(session=session, settings=settings, presented=token):
            return True
        return bool(cookie) and accounts.user_for_session(session=session, token=cookie) is not None


class StandbyPhone:
    """A browser on the softphone page waiting to be rung by an outbound call."""

    def __init__(self, websocket: WebSocket, *, ring_any: bool) -> None:
        self.caller = BrowserCaller(websocket)
        self.ring_any = ring_any
        self.engaged = False  # ringing or on a call: one call at a time
        self.ringing = False
        self.call_sid = ""
        self.replies: asyncio.Queue[str] = asyncio.Queue()  # "answer" | "decline" | "gone"
        self.answered = asyncio.Event()

    def accepts(self, to_number: str) -> bool:
        return not self.engaged and (self.ring_any or to_number == RING_NUMBER)

    async def ring(self, info: SimCallInfo, seconds: float) -> str:
        """Show the incoming call; the carrier's outcome: "answer", "busy" or "no-answer"."""
        self.call_sid = info.call_sid
        while not self.replies.empty():
            self.replies.get_nowait()
        self.ringing = True
        incoming = {"callSid": info.call_sid, "from": info.from_number, "to": info.to_number}
        try:
            await self.caller.send({"event": "incoming", "incoming": incoming})
            try:
                async with asyncio.timeout(seconds):
                    reply = await self.replies.get()
            except TimeoutError:
                reply = "timeout"
        except asyncio.CancelledError:  # hung up by the API while ringing
            self._hang_up_ringing()
            await self.caller.send({"event": "cancel", "cancel": {"callSid": info.call_sid}})
            raise
        self.ringing = False
        if reply == "answer":
            self.answered.set()
            return "answer"
        self._hang_up_ringing()
        await self.caller.send({"event": "cancel", "cancel": {"callSid": info.call_sid}})
        return "busy" if reply == "decline" else "no-answer"

    def _hang_up_ringing(self) -> None:
        self.ringing = False
        self.engaged = False
        self.call_sid = ""


class RingingCall:
    """The callee of an outbound simulated call: a standby browser, which decides as it rings."""

    def __init__(self, phone: StandbyPhone, info: SimCallInfo, ring_seconds: float) -> None:
        self._phone = phone
        self._info = info
        self._ring_seconds = ring_seconds

    async def ring(self) -> str:
        return await self._phone.ring(self._info, self._ring_seconds)

    async def __call__(self, line: CallerLine) -> None:
        caller = self._phone.caller
        await caller.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await caller.send({"event": "start", "start": {"callSid": self._info.call_sid}})
        await caller(line)


class SoftphoneDesk:
    """The standby softphones of one simulated carrier; picks the callee of outbound calls."""

    def __init__(self) -> None:
        self.phones: list[StandbyPhone] = []
        self.ring_seconds = RING_SECONDS
        self._previous: Any = None

    def install(self, carrier: SimulatorCarrier) -> None:
        """Route the carrier's callee choice through the desk (keeps the factory it had)."""
        if carrier.caller_factory != self.pick:
            self._previous = carrier.caller_factory
            carrier.caller_factory = self.pick

    def pick(self, info: SimCallInfo) -> SimulatedCaller:
        if info.direction == "outbound":
            for phone in reversed(self.phones):  # the most recently opened page first
                if phone.accepts(info.to_number):
                    phone.engaged = True
                    return RingingCall(phone, info, self.ring_seconds)
        return (self._previous or default_caller_factory())(info)


_desks: "weakref.WeakKeyDictionary[SimulatorCarrier, SoftphoneDesk]" = weakref.WeakKeyDictionary()


def desk_for(carrier: SimulatorCarrier) -> SoftphoneDesk:
    desk = _desks.get(carrier)
    if desk is None:
        desk = _desks[carrier] = SoftphoneDesk()
    return desk


@router.websocket("/api/softphone")
async def softphone(websocket: WebSocket) -> None:
    """One browser call: accept, place the simulated call, shuttle audio until either side ends."""
    await websocket.accept()
    if not await asyncio.to_thread(_authorised, websocket):
        await websocket.close(code=UNAUTHORIZED, reason="sign in first")
        return
    carrier = carrier_of(websocket)
    if not isinstance(carrier, SimulatorCarrier):
        await websocket.close(code=1011, reason="the softphone needs the simulated carrier")
        return
    if websocket.query_params.get("standby") == "1":
        await _standby(websocket, carrier)
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


async def _standby(websocket: WebSocket, carrier: SimulatorCarrier) -> None:
    """Wait for outbound calls to ring this browser; after an answered call, the socket closes."""
    phone = StandbyPhone(websocket, ring_any=websocket.query_params.get("ring") == "any")
    desk = desk_for(carrier)
    desk.install(carrier)
    desk.phones.append(phone)
    try:
        await phone.caller.send({"event": "standby", "standby": {"number": RING_NUMBER}})
        while not phone.answered.is_set():
            try:
                raw = await websocket.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                phone.replies.put_nowait("gone")
                return
            event = _parse(raw).get("event")
            if event == "stop":
                phone.replies.put_nowait("gone")
                return
            if event in ("answer", "decline") and phone.ringing:
                phone.replies.put_nowait(str(event))
                if event == "answer":
                    break  # from here on the call's BrowserCaller reads the socket
        call = carrier.calls.get(phone.call_sid)
        log.info("softphone answered", extra={"call_sid": phone.call_sid})
        if call is not None:
            await call.wait()
    finally:
        desk.phones.remove(phone)
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close()
