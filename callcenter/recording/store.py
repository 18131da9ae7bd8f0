"""Where recordings live: a small `RecordingStore` Protocol and its embedded default, a folder
of `<key>.wav` files (RECORDINGS_DIR)."""

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from callcenter.recording.wav import repair

log = logging.getLogger(__name__)

_KEY = re.compile(r"^[A-Za-z0-9_-]{1,120}$")


class RecordingStore(Protocol):
    """Stores one WAV per key; written while the call goes on, read while it is served."""

    def create(self, key: str) -> BinaryIO:
        """A new, empty, seekable file for `key` (replacing any)."""
        ...

    def open(self, key: str) -> BinaryIO | None:
        """The recording for reading, or None when there is none."""
        ...

    def size(self, key: str) -> int | None: ...

    def delete(self, key: str) -> bool: ...

    def older_than(self, cutoff: datetime) -> list[str]:
        """Keys of recordings last written before `cutoff`."""
        ...

    def repair_all(self) -> int:
        """Make every recording a valid WAV again (after a crash); how many were fixed."""
        ...


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key))


class LocalRecordingStore:
    """Recordings as files in one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, key: str) -> Path:
        if not valid_key(key):
            raise ValueError(f"not a recording key: {key!r}")
        return self.directory / f"{key}.wav"

    def create(self, key: str) -> BinaryIO:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.path(key).open("w+b")

    def open(self, key: str) -> BinaryIO | None:
        try:
            return self.path(key).open("rb")
        except (OSError, ValueError):
            return None

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except (OSError, ValueError):
            return None

    def delete(self, key: str) -> bool:
        try:
            self.path(key).unlink()
        except (OSError, ValueError):
            return False
        return True

    def older_than(self, cutoff: datetime) -> list[str]:
        if not self.directory.is_dir():
            return []
        limit = cutoff.astimezone(UTC).timestamp()
        return sorted(p.stem for p in self.directory.glob("*.wav") if p.stat().st_mtime < limit)

    def repair_all(self) -> int:
        fixed = 0
        if not self.directory.is_dir():
            return 0
        for path in sorted(self.directory.glob("*.wav")):
            try:
                with path.open("r+b") as handle:
                    if repair(handle):
                        fixed += 1
                        log.info(
                            "recording %s: header repaired after an interrupted write", path.name
                        )
            except OSError as exc:
                log.warning("recording %s could not be repaired: %s", path.name, exc)
        return fixed


def build_recording_store(directory: Path) -> RecordingStore:
    """The embedded default: the local folder."""
    return LocalRecordingStore(directory)
