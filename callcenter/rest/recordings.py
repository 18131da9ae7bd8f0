"""`GET /api/calls/{id}/recording`: the call's WAV, whole (200) or a byte range (206)."""

import re
from collections.abc import Iterator
from typing import BinaryIO

from fastapi import APIRouter, Header, HTTPException, Response
from fastapi.responses import StreamingResponse

from callcenter.db.repo import calls as calls_repo
from callcenter.recording.store import build_recording_store
from callcenter.rest.deps import SessionDep, SettingsDep
from callcenter.rest.roles import AnyPrincipal

router = APIRouter(prefix="/api", tags=["calls"])

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a single-range `Range` header; None if unusable."""
    found = _RANGE.match(header.strip())
    if found is None or size == 0:
        return None
    first, last = found.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        start = max(0, size - int(last))
        return start, size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start > end:
        return None
    return start, end


def _read(handle: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


@router.get("/calls/{ref}/recording", response_model=None)
def get_recording(
    ref: str,
    session: SessionDep,
    settings: SettingsDep,
    _auth: AnyPrincipal,
    range_header: str | None = Header(default=None, alias="Range"),
) -> Response:
    call = calls_repo.find_call(session=session, ref=ref)
    if call is None or not call.recording_key:
        raise HTTPException(status_code=404, detail=f"no recording for call {ref}")
    store = build_recording_store(settings.recordings_dir)
    size = store.size(call.recording_key)
    handle = store.open(call.recording_key)
    if size is None or handle is None:
        raise HTTPException(status_code=404, detail=f"no recording for call {ref}")
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "no-store"}
    if range_header:
        wanted = byte_range(range_header, size)
        if wanted is None:
            handle.close()
            return Response(
                status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"}
            )
        start, end = wanted
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        headers["Content-Length"] = str(end - start + 1)
        return StreamingResponse(
            _read(handle, start, end - start + 1),
            status_code=206,
            media_type="audio/wav",
            headers=headers,
        )
    headers["Content-Length"] = str(size)
    return StreamingResponse(_read(handle, 0, size), media_type="audio/wav", headers=headers)
