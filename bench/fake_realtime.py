"""A lean fake OpenAI Realtime service for the audio benchmark, one process of several.

Every process listens on the same port (SO_REUSEPORT: the kernel spreads connections). Per
session: `session.updated` after `session.update`, then agent replies back to back for the
length of the call — `response.created`, one 20 ms `response.output_audio.delta` every 20 ms
(a transcript delta every 10 frames), the transcript `done`, `response.done`, then the caller's
transcribed answer — so the bridge under test does its per-reply work too. Appended caller
audio is timed on arrival from the stamp it carries. Events are prepared strings; only
control events (never audio) are parsed as JSON.
"""

import asyncio
import json
import time
from array import array
from typing import Any

from bench import stamp
from bench.wsraw import Connection

APPEND = b"input_audio_buffer.append"
AUDIO_KEY = b'"audio":'
FRAME_S = 0.02


class Session:
    """One Realtime connection: times appends, streams replies once configured."""

    def __init__(self, server: "Server", conn: Connection) -> None:
        self.server = server
        self.conn = conn
        self.frames_left = 0
        self.reply = 0
        self.in_reply = 0
        self.begin = 0.0
        self.origin = 0.0
        self.n = 0
        self.delta_head = b""
        conn.on_message = self.on_message

    def on_message(self, data: bytes) -> None:
        if APPEND in data[:48]:
            at = data.find(AUDIO_KEY) + len(AUDIO_KEY)
            at = data.find(b'"', at) + 1
            sent_ns, _ = stamp.read(data, at)
            self.server.up.add(sent_ns, time.perf_counter_ns())
            return
        try:
            event = json.loads(data)
        except ValueError:
            return
        if event.get("type") == "session.update":
            self.send({"type": "session.updated", "event_id": "evt_su", "session": {}})
            self.start_audio()

    def send(self, event: dict[str, Any]) -> None:
        self.conn.send(json.dumps(event, separators=(",", ":")).encode())

    def start_audio(self) -> None:
        loop = asyncio.get_running_loop()
        self.frames_left = int(self.server.audio_seconds / FRAME_S)
        self.begin = loop.time() + FRAME_S
        self.origin = time.perf_counter() - loop.time()  # loop clock → perf_counter
        loop.call_at(self.begin, self.tick)

    def _start_reply(self) -> None:
        self.reply += 1
        self.in_reply = 0
        rid, iid = f"resp_{self.reply}", f"item_{self.reply}"
        self.send({"type": "response.created", "response": {"id": rid, "status": "in_progress"}})
        self.delta_head = (
            '{"type":"response.output_audio.delta","event_id":"evt_d","response_id":"'
            f'{rid}","item_id":"{iid}","output_index":0,"content_index":0,"delta":"'
        ).encode()
        self.text_delta = json.dumps(
            {
                "type": "response.output_audio_transcript.delta",
                "response_id": rid,
                "item_id": iid,
                "output_index": 0,
                "content_index": 0,
                "delta": "la la ",
            },
            separators=(",", ":"),
        ).encode()

    def _end_reply(self) -> None:
        rid, iid = f"resp_{self.reply}", f"item_{self.reply}"
        words = "la la " * (self.in_reply // 10)
        self.send(
            {
                "type": "response.output_audio_transcript.done",
                "response_id": rid,
                "item_id": iid,
                "content_index": 0,
                "transcript": words.strip(),
            }
        )
        self.send({"type": "response.done", "response": {"id": rid, "status": "completed"}})
        self.send(
            {
                "type": "conversation.item.input_audio_transcription.completed",
                "item_id": f"item_c{self.reply}",
                "content_index": 0,
                "transcript": "Yes, that is right.",
            }
        )

    def tick(self) -> None:
        if self.conn.transport is None or self.conn.transport.is_closing():
            return
        loop = asyncio.get_running_loop()
        due = self.begin + self.n * FRAME_S
        self.server.lag_us.append(int((time.perf_counter() - self.origin - due) * 1e6))
        if self.in_reply == 0:
            self._start_reply()
        flag = stamp.FIRST_OF_REPLY if self.in_reply == 0 else 0
        self.conn.send(self.delta_head + stamp.stamp(flag) + stamp.TAIL_B64 + b'"}')
        self.server.sent_down += 1
        self.in_reply += 1
        if self.in_reply % 10 == 0:
            self.conn.send(self.text_delta)
        self.n += 1
        self.frames_left -= 1
        if self.in_reply >= self.server.reply_frames or self.frames_left <= 0:
            self._end_reply()
            self.in_reply = 0
        if self.frames_left > 0:
            loop.call_at(self.begin + self.n * FRAME_S, self.tick)


class Server:
    def __init__(self, audio_seconds: float, reply_frames: int) -> None:
        self.audio_seconds = audio_seconds
        self.reply_frames = reply_frames
        self.up = stamp.Timings()
        self.lag_us = array("q")
        self.sent_down = 0
        self.sessions = 0

    def protocol(self) -> Connection:
        conn = Connection(client=False)
        conn.on_open = lambda: self._opened(conn)
        return conn

    def _opened(self, conn: Connection) -> None:
        self.sessions += 1
        Session(self, conn)
        conn.send(b'{"type":"session.created","event_id":"evt_sc","session":{}}')


def run(
    port: int, audio_seconds: float, reply_frames: int, ready: Any, stop: Any, out: Any
) -> None:
    """Process entry point: serve until `stop` is set, then put the results on `out`."""
    import uvloop

    async def main() -> None:
        server = Server(audio_seconds, reply_frames)
        loop = asyncio.get_running_loop()
        listener = await loop.create_server(
            server.protocol, "127.0.0.1", port, reuse_port=True, backlog=1024
        )
        ready.set()
        await loop.run_in_executor(None, stop.wait)
        listener.close()
        out.put(
            {
                "up": server.up.dump(),
                "lag_us": server.lag_us.tobytes(),
                "sent_down": server.sent_down,
                "sessions": server.sessions,
            }
        )

    uvloop.run(main())
