"""Which calls have a media stream open in this process (so their end is handled there)."""

_open: set[int] = set()


def stream_opened(call_id: int) -> None:
    _open.add(call_id)


def stream_closed(call_id: int) -> None:
    _open.discard(call_id)


def has_live_stream(call_id: int) -> bool:
    return call_id in _open
