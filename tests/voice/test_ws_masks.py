"""Client frame masks from the buffered CSPRNG: each frame masked differently, data intact."""

from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from callcenter.voice.providers import ws_masks

FRAMES = 10_000


def _parse(wire: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(wire)
    parser = Frame.parse(reader.read_exact, mask=True)
    try:
        next(parser)
    except StopIteration as done:
        frame: Frame = done.value
        return frame
    raise AssertionError("incomplete frame")


def test_every_client_frame_gets_its_own_mask_and_arrives_intact() -> None:
    ws_masks.install()
    ws_masks.install()  # twice: still one buffer
    payloads = [f'{{"type":"input_audio_buffer.append","n":{n}}}'.encode() for n in range(FRAMES)]
    wires = [Frame(Opcode.TEXT, p).serialize(mask=True, extensions=[]) for p in payloads]
    masks = [wire[2:6] for wire in wires]  # after the two header bytes (payloads < 126 bytes)
    assert len(set(masks)) >= FRAMES - 5  # 4 random bytes each: a repeat is a 1-in-a-million
    assert all(wire[6:] != p for wire, p in zip(wires, payloads, strict=True))  # really masked
    assert [_parse(wire).data for wire in wires] == payloads


def test_the_buffer_hands_out_each_random_byte_once() -> None:
    tokens = ws_masks.BufferedTokens(refill=64)
    drawn = [tokens.token_bytes(4) for _ in range(48)]  # three buffers' worth
    assert all(len(mask) == 4 for mask in drawn)
    buffers = [b"".join(drawn[i : i + 16]) for i in (0, 16, 32)]
    assert len(set(buffers)) == 3  # a fresh buffer each time, not the same bytes again
    assert len(tokens.token_bytes(100)) == 100  # more than a buffer: straight from the source
