"""A stereo 16-bit 8 kHz WAV written as it grows: the header's sizes are rewritten after every
append, so the file is a valid WAV at each step (a crash keeps what was written), and
`repair` fixes the sizes of a file cut between an append and its header update."""

import struct
from typing import BinaryIO

import numpy as np

SAMPLE_RATE = 8000
CHANNELS = 2
SAMPLE_BYTES = 2
FRAME_BYTES = CHANNELS * SAMPLE_BYTES
HEADER_BYTES = 44


def _mulaw_table() -> np.ndarray:
    """G.711 μ-law byte → 16-bit linear sample."""
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


MULAW_TO_PCM = _mulaw_table()


def decode_mulaw(data: bytes) -> np.ndarray:
    """μ-law bytes as 16-bit samples."""
    return MULAW_TO_PCM[np.frombuffer(data, dtype=np.uint8)]


def header(data_bytes: int) -> bytes:
    """The 44-byte RIFF/WAVE header for `data_bytes` of stereo 16-bit PCM at 8 kHz."""
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack(
            "<IHHIIHH",
            16,
            1,  # PCM
            CHANNELS,
            SAMPLE_RATE,
            SAMPLE_RATE * FRAME_BYTES,
            FRAME_BYTES,
            SAMPLE_BYTES * 8,
        )
        + b"data"
        + struct.pack("<I", data_bytes)
    )


class GrowingWav:
    """Appends interleaved stereo frames to a seekable file, keeping its header true."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.data_bytes = 0
        handle.seek(0)
        handle.write(header(0))
        handle.flush()

    @property
    def frames(self) -> int:
        return self.data_bytes // FRAME_BYTES

    def append(self, stereo: np.ndarray) -> None:
        """Append frames (an (n, 2) int16 array), then rewrite the two sizes in the header."""
        if not len(stereo):
            return
        data = np.ascontiguousarray(stereo, dtype="<i2").tobytes()
        handle = self._handle
        handle.seek(HEADER_BYTES + self.data_bytes)
        handle.write(data)
        self.data_bytes += len(data)
        handle.seek(4)
        handle.write(struct.pack("<I", 36 + self.data_bytes))
        handle.seek(40)
        handle.write(struct.pack("<I", self.data_bytes))
        handle.flush()

    def close(self) -> None:
        self._handle.close()


def repair(handle: BinaryIO) -> bool:
    """Make the header's sizes match the file's length (whole frames); True if it changed."""
    handle.seek(0, 2)
    length = handle.tell()
    if length < HEADER_BYTES:
        return False
    handle.seek(0)
    head = handle.read(HEADER_BYTES)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    data_bytes = (length - HEADER_BYTES) // FRAME_BYTES * FRAME_BYTES
    if head == header(data_bytes):
        return False
    handle.seek(0)
    handle.write(header(data_bytes))
    handle.truncate(HEADER_BYTES + data_bytes)
    handle.flush()
    return True
