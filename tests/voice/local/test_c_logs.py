"""pocketsphinx's C log lines reach `logging` (and the benign ones only at debug level)."""

import logging
import threading

import pytest
from pocketsphinx import Decoder

from callcenter.voice.providers.local import c_logs


class _Collect(logging.Handler):
    def __init__(self, until: str) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.until = until
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if self.until in record.getMessage():
            self.seen.set()


def test_decoder_log_lines_go_through_logging_not_to_stderr(
    capfd: pytest.CaptureFixture[str],
) -> None:
    handler = _Collect(until="dict.c")
    logger = logging.getLogger("pocketsphinx")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        Decoder(loglevel="INFO", lm=None, logfn=c_logs.log_file())
        assert handler.seen.wait(10.0)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        Decoder(loglevel="ERROR", lm=None, logfn=c_logs.log_file())  # as the app runs it
    assert any(r.getMessage().startswith("INFO: ") for r in handler.records)
    assert "dict.c" not in capfd.readouterr().err


def test_a_grammar_miss_is_debug_noise_and_a_fatal_line_an_error() -> None:
    miss = "ERROR: fsg_search.c(940): Final result does not match the grammar in frame 77"
    assert c_logs._level(miss) == logging.DEBUG
    assert c_logs._level("FATAL: cmd_ln.c(10): no such file") == logging.ERROR
    assert c_logs._level("ERROR: dict.c(1): unknown word") == logging.WARNING
