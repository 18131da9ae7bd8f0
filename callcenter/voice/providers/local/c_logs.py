"""pocketsphinx's C log lines, which it writes to stderr by itself, sent through `logging`."""

import logging
import os
import threading

log = logging.getLogger("pocketsphinx")

# Lines the decoder reports as errors in normal use (a grammar search that ends mid-phrase).
_BENIGN = ("does not match the grammar",)
_LEVELS = {"FATAL": logging.ERROR, "ERROR": logging.WARNING, "WARN": logging.INFO}

_lock = threading.Lock()
_path: str | None = None


def _level(line: str) -> int:
    prefix = line.split(":", 1)[0].strip()
    if any(marker in line for marker in _BENIGN):
        return logging.DEBUG
    return _LEVELS.get(prefix, logging.DEBUG)


def _pump(fd: int) -> None:
    with os.fdopen(fd, "r", encoding="utf-8", errors="replace") as lines:
        for line in lines:
            line = line.rstrip()
            if line:
                log.log(_level(line), "%s", line)


def log_file() -> str:
    """A path to pass as a Decoder's `logfn`: whatever is written there reaches `logging`.

    pocketsphinx keeps one log stream for the whole process; every decoder gets the same pipe."""
    global _path
    with _lock:
        if _path is None:
            read_fd, write_fd = os.pipe()
            threading.Thread(
                target=_pump, args=(read_fd,), name="pocketsphinx-log", daemon=True
            ).start()
            _path = f"/proc/self/fd/{write_fd}"
        return _path
