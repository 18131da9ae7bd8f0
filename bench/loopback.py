"""The harness check: the lightest bridge possible, to show what the generator and fake can drive.

Raw websockets on asyncio protocols (bench/wsraw.py), payloads cut out of the frames by
position, no JSON at all. Not a bridge anyone should ship: its numbers are the harness's own
floor, so a latency measured through a real bridge is the bridge's and not the harness's.

    python -m bench.loopback PORT REALTIME_PORT
"""

import asyncio
import sys

from bench import wsraw

PAYLOAD = b'"payload":"'
DELTA = b'"delta":"'
AUDIO_DELTA = b"response.output_audio.delta"


def _between(data: bytes, key: bytes) -> bytes:
    at = data.find(key) + len(key)
    return data[at : data.find(b'"', at)]


class Bridge:
    def __init__(self, caller: wsraw.Connection, realtime_port: int) -> None:
        self.caller = caller
        self.realtime_port = realtime_port
        self.ai: wsraw.Connection | None = None
        self.stream_sid = b""
        self.waiting: list[bytes] = []
        caller.on_message = self.from_caller
        caller.on_closed = self.closed

    def from_caller(self, data: bytes) -> None:
        if b'"media"' in data[:20]:
            append = b'{"type":"input_audio_buffer.append","audio":"' + _between(data, PAYLOAD)
            if self.ai is None:
                self.waiting.append(append + b'"}')
            else:
                self.ai.send(append + b'"}')
        elif b'"start"' in data[:20]:
            self.stream_sid = _between(data, b'"streamSid": "') or _between(data, b'"streamSid":"')
            asyncio.get_running_loop().create_task(self.connect())
        elif b'"stop"' in data[:20]:
            self.caller.close()

    async def connect(self) -> None:
        ai = await wsraw.connect("127.0.0.1", self.realtime_port, "/v1/realtime?model=m")
        ai.on_message = self.from_ai
        ai.send(b'{"type":"session.update","session":{"type":"realtime"}}')
        self.ai = ai
        for frame in self.waiting:
            ai.send(frame)
        self.waiting.clear()

    def from_ai(self, data: bytes) -> None:
        if AUDIO_DELTA in data[:40]:
            self.caller.send(
                b'{"event":"media","streamSid":"'
                + self.stream_sid
                + b'","media":{"payload":"'
                + _between(data, DELTA)
                + b'"}}'
            )

    def closed(self) -> None:
        if self.ai is not None:
            self.ai.close()


async def main(port: int, realtime_port: int) -> None:
    def protocol() -> wsraw.Connection:
        conn = wsraw.Connection(client=False)
        conn.on_open = lambda: Bridge(conn, realtime_port) and None
        return conn

    loop = asyncio.get_running_loop()
    server = await loop.create_server(protocol, "127.0.0.1", port, backlog=1024)
    await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(int(sys.argv[1]), int(sys.argv[2])))
