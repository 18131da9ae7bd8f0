"""The server side of one fake Realtime connection: GA events, a simple VAD, scripted replies."""

import asyncio
import base64
import binascii
import json
import time
from typing import TYPE_CHECKING, Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from tests.fakes.realtime_script import (
    BETA_SESSION_FIELDS,
    MESSAGE_CONTENT,
    SILENCE,
    Connection,
    Reply,
    response_usage,
    session_expired_error,
    transcription,
)

if TYPE_CHECKING:
    from tests.fakes.realtime_server import FakeRealtime


class RealtimeSession:
    """The server side of one connection."""

    def __init__(self, fake: "FakeRealtime", ws: ServerConnection, record: Connection) -> None:
        self.fake = fake
        self.ws = ws
        self.record = record
        self.script = fake.script
        self.ids = 0
        self.number = len(fake.connections)  # ids are unique across connections, as in the service
        self.audio_ms = 0.0
        self.speaking = False
        self.silence_ms = 0.0
        self.idle_ms = 0.0
        self.caller_item = ""
        self.speech_started_ms = 0
        self.active: asyncio.Task[None] | None = None
        self.active_id = ""
        self.responses_done = 0
        self.stalled = False
        # server_vad's `create_response` / `interrupt_response`: on unless session.update says.
        self.create_response = self.interrupt_response = True
        self.tasks: set[asyncio.Task[None]] = set()

    def new_id(self, prefix: str) -> str:
        self.ids += 1
        return f"{prefix}_{self.number:02d}{self.ids:04d}"

    async def send(self, event: dict[str, Any]) -> None:
        if self.stalled and not str(event.get("type")).startswith("input_audio_buffer."):
            return  # a stalled model: the input buffer's VAD still reports, nothing else does
        self.ids += 1
        event.setdefault("event_id", f"event_{self.ids:05d}")
        await self.ws.send(json.dumps(event))

    async def run(self) -> None:
        await self.send({"type": "session.created", "session": {"type": "realtime"}})
        if self.script.session_limit_seconds is not None:
            self.spawn(self.expire(self.script.session_limit_seconds))
        try:
            async for raw in self.ws:
                event = json.loads(raw)
                kind = event.get("type")
                if kind == "input_audio_buffer.append":
                    at = time.perf_counter()
                    audio = event.get("audio")
                    self.record.events.append(
                        {"type": kind, "bytes": len(audio) if isinstance(audio, str) else 0}
                    )
                    await self.on_audio(audio, at)
                    continue
                self.record.events.append(event)
                self.fake.notify()
                handler = getattr(self, "on_" + str(kind).replace(".", "_"), None)
                if handler is not None:
                    await handler(event)
        except ConnectionClosed:
            pass
        finally:
            self.record.closed = True
            self.fake.notify()
            for task in list(self.tasks):
                task.cancel()

    def spawn(self, coro: Any) -> asyncio.Task[None]:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    # --- client events -------------------------------------------------------------------

    async def on_session_update(self, event: dict[str, Any]) -> None:
        session = event.get("session") or {}
        for name in BETA_SESSION_FIELDS:
            if name in session:
                await self.error(
                    "unknown_parameter", f"Unknown parameter: 'session.{name}'.", f"session.{name}"
                )
                return
        if session.get("type") != "realtime":
            await self.error(
                "missing_required_parameter",
                "Missing required parameter: 'session.type'.",
                "session.type",
            )
            return
        audio_input = (session.get("audio") or {}).get("input") or {}
        detection = audio_input.get("turn_detection") or {}
        self.create_response = detection.get("create_response", True) is not False
        self.interrupt_response = detection.get("interrupt_response", True) is not False
        if self.script.connect_delay_ms:
            # A slow service: the session is accepted this long after it was configured.
            await asyncio.sleep(self.script.connect_delay_ms / 1000)
        await self.send({"type": "session.updated", "session": session})

    async def error(self, code: str, message: str, param: str | None = None) -> None:
        self.record.errors.append(code)
        await self.send(
            {
                "type": "error",
                "error": {
                    "type": "invalid_request_error",
                    "code": code,
                    "message": message,
                    "param": param,
                },
            }
        )

    async def on_audio(self, b64: Any, at: float) -> None:
        try:
            if not isinstance(b64, str):
                raise ValueError("not a string")
            audio = base64.b64decode(b64)
        except (ValueError, binascii.Error):
            # Like the real service: an error event, and the session carries on.
            self.record.rejected_appends += 1
            await self.error(
                "invalid_value",
                "Invalid 'audio'. Expected base64-encoded audio bytes.",
                "audio",
            )
            return
        if self.fake.on_append is not None:
            self.fake.on_append(audio, at)
        self.record.appended_bytes += len(audio)
        ms = len(audio) / 8
        is_speech = any(byte not in SILENCE for byte in audio[:: max(1, len(audio) // 16)])
        start_ms = self.audio_ms
        self.audio_ms += ms
        if is_speech:
            self.silence_ms = 0
            if not self.speaking:
                self.speaking = True
                self.caller_item = self.new_id("item_caller")
                self.speech_started_ms = int(start_ms)
                await self.send(
                    {
                        "type": "input_audio_buffer.speech_started",
                        "audio_start_ms": int(start_ms),
                        "item_id": self.caller_item,
                    }
                )
                if self.interrupt_response and self.active is not None and not self.active.done():
                    await self.cancel_active("turn_detected")
        elif self.speaking:
            self.silence_ms += ms
            if self.silence_ms >= self.script.silence_ms_to_stop:
                self.speaking = False
                await self.end_caller_turn()
        if is_speech or self.speaking or (self.active is not None and not self.active.done()):
            self.idle_ms = 0
        elif self.script.idle_timeout_ms is not None:
            self.idle_ms += ms
            if self.idle_ms >= self.script.idle_timeout_ms:
                self.idle_ms = 0
                item = self.new_id("item_idle")
                await self.send(
                    {
                        "type": "input_audio_buffer.timeout_triggered",
                        "audio_start_ms": int(self.audio_ms - self.script.idle_timeout_ms),
                        "audio_end_ms": int(self.audio_ms),
                        "item_id": item,
                    }
                )
                if self.create_response:
                    self.start_response()  # the service prompts the silent caller itself

    async def end_caller_turn(self) -> None:
        item = self.caller_item
        await self.send(
            {
                "type": "input_audio_buffer.speech_stopped",
                "audio_end_ms": int(self.audio_ms),
                "item_id": item,
            }
        )
        await self.send({"type": "input_audio_buffer.committed", "item_id": item})
        said = self.fake.caller_says.popleft() if self.fake.caller_says else "(unclear)"
        if self.create_response:
            # Like the real service, the caller's transcription lands after the answer has begun.
            self.start_response(transcript_for=(item, said))
        else:
            await self.send(transcription(item, said))  # no answer unless the client asks

    async def on_response_create(self, event: dict[str, Any]) -> None:
        if self.active is not None and not self.active.done():
            await self.error(
                "conversation_already_has_active_response",
                "Conversation already has an active response in progress.",
            )
            return
        self.start_response()

    async def on_response_cancel(self, event: dict[str, Any]) -> None:
        if self.active is None or self.active.done():
            await self.error("response_cancel_not_active", "Cancellation failed: no response.")
            return
        await self.cancel_active("client_cancelled")

    async def expire(self, after: float) -> None:
        """The service's session limit: an error saying so, then the socket closes."""
        await asyncio.sleep(after)
        self.record.expired = True
        await self.send(session_expired_error())
        await self.ws.close(code=1000)

    async def on_conversation_item_create(self, event: dict[str, Any]) -> None:
        item = dict(event.get("item") or {})
        if item.get("type") == "message":
            allowed = MESSAGE_CONTENT.get(str(item.get("role")), set())
            kinds = [part.get("type") for part in item.get("content") or []]
            if not kinds or any(kind not in allowed for kind in kinds):
                await self.error(
                    "invalid_value", f"Invalid content {kinds} for role {item.get('role')!r}."
                )
                return
        item.setdefault("id", self.new_id("item_client"))
        await self.send({"type": "conversation.item.added", "item": item})
        await self.send({"type": "conversation.item.done", "item": item})

    async def on_conversation_item_truncate(self, event: dict[str, Any]) -> None:
        await self.send(
            {
                "type": "conversation.item.truncated",
                "item_id": event.get("item_id"),
                "content_index": event.get("content_index", 0),
                "audio_end_ms": event.get("audio_end_ms"),
            }
        )

    # --- responses -----------------------------------------------------------------------

    def start_response(self, transcript_for: tuple[str, str] | None = None) -> None:
        reply = self.fake.replies.popleft() if self.fake.replies else self.script.default_reply
        self.active_id = self.new_id("resp")
        self.active = self.spawn(self.respond(self.active_id, reply, transcript_for))

    async def cancel_active(self, reason: str) -> None:
        task, self.active = self.active, None
        if task is not None:
            task.cancel()
        await self.send(
            {
                "type": "response.done",
                "response": {
                    "id": self.active_id,
                    "object": "realtime.response",
                    "status": "cancelled",
                    "status_details": {"type": "cancelled", "reason": reason},
                },
            }
        )

    async def respond(
        self, response_id: str, reply: Reply, transcript_for: tuple[str, str] | None
    ) -> None:
        script = self.script
        item_id = self.new_id("item_agent")
        base = {"response_id": response_id, "item_id": item_id, "output_index": 0}
        await self.send(
            {
                "type": "response.created",
                "response": {
                    "id": response_id,
                    "object": "realtime.response",
                    "status": "in_progress",
                },
            }
        )
        await self.send(
            {
                "type": "response.output_item.added",
                "response_id": response_id,
                "output_index": 0,
                "item": {
                    "id": item_id,
                    "type": "message",
                    "role": "assistant",
                    "status": "in_progress",
                },
            }
        )
        chunk_bytes = script.chunk_ms * 8
        total = reply.audio_ms * 8
        chunks = max(1, -(-total // chunk_bytes))
        words = reply.text.split(" ")
        index = self.fake.response_count
        self.fake.response_count += 1
        for n in range(chunks):
            size = min(chunk_bytes, total - n * chunk_bytes)
            audio = (
                script.audio_factory(index, n, size)
                if script.audio_factory
                else bytes([script.audio_byte]) * size
            )
            await self.send(
                {
                    "type": "response.output_audio.delta",
                    **base,
                    "content_index": 0,
                    "delta": base64.b64encode(audio).decode(),
                }
            )
            lo, hi = len(words) * n // chunks, len(words) * (n + 1) // chunks
            if hi > lo:
                piece = " ".join(words[lo:hi]) + (" " if hi < len(words) else "")
                await self.send(
                    {
                        "type": "response.output_audio_transcript.delta",
                        **base,
                        "content_index": 0,
                        "delta": piece,
                    }
                )
            if n == 0 and transcript_for is not None:
                await self.send(transcription(*transcript_for))
            if script.pace:
                await asyncio.sleep(size / 8000 * script.pace)
            else:
                await asyncio.sleep(0)
        await self.send({"type": "response.output_audio.done", **base, "content_index": 0})
        await self.send(
            {
                "type": "response.output_audio_transcript.done",
                **base,
                "content_index": 0,
                "transcript": reply.text,
            }
        )
        if reply.tool is not None:
            name, arguments = reply.tool
            await self.send(
                {
                    "type": "response.function_call_arguments.done",
                    "response_id": response_id,
                    "item_id": self.new_id("item_call"),
                    "output_index": 1,
                    "call_id": self.new_id("call"),
                    "name": name,
                    "arguments": json.dumps(arguments),
                }
            )
        await self.send(
            {
                "type": "response.done",
                "response": {
                    "id": response_id,
                    "object": "realtime.response",
                    "status": "completed",
                    "usage": response_usage(reply),
                },
            }
        )
        self.active = None
        self.responses_done += 1
        if script.stall_after_responses is not None:
            if self.responses_done >= script.stall_after_responses:
                self.stalled = True
        if script.drop_after_responses is not None:
            if self.responses_done >= script.drop_after_responses:
                await self.ws.close(code=1011, reason="server error")
