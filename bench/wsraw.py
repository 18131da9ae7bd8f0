"""A minimal WebSocket (RFC 6455) on `asyncio.Protocol`, for the load generator and the fake.

Only what a benchmark harness needs, as cheaply as Python allows: text frames, pings, close.
Client frames carry an all-zero mask key (valid framing: every server unmasks it, and the
payload goes out as is), so a client never touches the bytes it sends; server-side unmasking
uses the C helper of the `websockets` package.
"""

import asyncio
import base64
import hashlib
import os
import struct
from collections.abc import Callable

from websockets.speedups import apply_mask

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
ZERO_MASK = b"\x00\x00\x00\x00"
TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def frame(payload: bytes, *, opcode: int = TEXT, masked: bool = False) -> bytes:
    """One final frame; `masked` (client side) uses the zero key, leaving `payload` as is."""
    n = len(payload)
    mask_bit = 0x80 if masked else 0
    if n < 126:
        head = bytes((0x80 | opcode, mask_bit | n))
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, mask_bit | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, mask_bit | 127, n)
    return head + ZERO_MASK + payload if masked else head + payload


class Connection(asyncio.Protocol):
    """One WebSocket over a transport. `on_message(data)` gets every text/binary message;
    `on_open()` runs once the handshake is done; `on_closed()` once the transport is gone."""

    def __init__(self, *, client: bool) -> None:
        self.client = client
        self.transport: asyncio.Transport | None = None
        self.open = False
        self.closed = asyncio.get_running_loop().create_future()
        self.request_line = b""
        self.headers: dict[bytes, bytes] = {}
        self._buffer = bytearray()
        self._handshake: bytes = b""
        self._fragments: list[bytes] = []
        self.on_message: Callable[[bytes], None] = lambda data: None
        self.on_open: Callable[[], None] = lambda: None
        self.on_closed: Callable[[], None] = lambda: None

    # --- sending ---------------------------------------------------------------------------

    def send(self, data: bytes, opcode: int = TEXT) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame(data, opcode=opcode, masked=self.client))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.send(struct.pack("!H", 1000), CLOSE)
            self.transport.close()

    # --- handshake -------------------------------------------------------------------------

    def start_client(self, host: str, port: int, path: str, headers: dict[str, str]) -> None:
        assert self.transport is not None
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.transport.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\n{extra}\r\n"
            ).encode()
        )

    def _server_handshake(self, head: bytes) -> None:
        assert self.transport is not None
        key = self.headers.get(b"sec-websocket-key", b"")
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        self.transport.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )

    # --- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if not self.closed.done():
            self.closed.set_result(None)
        self.on_closed()

    def data_received(self, data: bytes) -> None:
        buf = self._buffer
        buf += data
        if not self.open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end])
            del buf[: end + 4]
            lines = head.split(b"\r\n")
            self.request_line = lines[0]
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                self.headers[name.strip().lower()] = value.strip()
            if self.client:
                if b" 101 " not in lines[0] + b" ":
                    assert self.transport is not None
                    self.transport.close()
                    return
            else:
                self._server_handshake(head)
            self.open = True
            self.on_open()
        self._parse()

    def _parse(self) -> None:
        buf = self._buffer
        pos = 0
        size = len(buf)
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            n = b1 & 0x7F
            at = pos + 2
            if n == 126:
                if size - at < 2:
                    break
                n = (buf[at] << 8) | buf[at + 1]
                at += 2
            elif n == 127:
                if size - at < 8:
                    break
                n = struct.unpack_from("!Q", buf, at)[0]
                at += 8
            mask = b""
            if b1 & 0x80:
                if size - at < 4:
                    break
                mask = bytes(buf[at : at + 4])
                at += 4
            if size - at < n:
                break
            payload = bytes(buf[at : at + n])
            pos = at + n
            if mask and mask != ZERO_MASK:
                payload = apply_mask(payload, mask)
            self._dispatch(b0, payload)
        if pos:
            del buf[:pos]

    def _dispatch(self, b0: int, payload: bytes) -> None:
        opcode = b0 & 0x0F
        if opcode in (TEXT, BINARY, 0):
            if not b0 & 0x80:
                self._fragments.append(payload)
                return
            if self._fragments:
                payload = b"".join([*self._fragments, payload])
                self._fragments.clear()
            self.on_message(payload)
        elif opcode == PING:
            self.send(payload, PONG)
        elif opcode == CLOSE:
            if self.transport is not None and not self.transport.is_closing():
                self.send(payload[:2] or struct.pack("!H", 1000), CLOSE)
                self.transport.close()


async def connect(
    host: str, port: int, path: str, headers: dict[str, str] | None = None
) -> Connection:
    """Open a client connection and wait for the handshake."""
    loop = asyncio.get_running_loop()
    opened = loop.create_future()
    _, conn = await loop.create_connection(lambda: Connection(client=True), host, port)
    conn.on_open = lambda: opened.done() or opened.set_result(None)
    conn.closed.add_done_callback(
        lambda _: opened.done() or opened.set_exception(ConnectionError("handshake refused"))
    )
    conn.start_client(host, port, path, headers or {})
    await opened
    return conn
