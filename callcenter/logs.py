"""Logging set-up: JSON lines when not on a terminal, readable text otherwise."""

import json
import logging
import sys
from datetime import UTC, datetime

from callcenter.config import Settings


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the call-scoped fields when present."""

    EXTRA_FIELDS = ("call_sid", "stream_sid", "call_id")

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in self.EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def configure_logging(settings: Settings) -> None:
    """Install one handler on the root logger (idempotent)."""
    root = logging.getLogger()
    if any(getattr(h, "_callcenter", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    use_json = settings.log_format == "json" or (
        settings.log_format == "auto" and not sys.stderr.isatty()
    )
    handler.setFormatter(
        JsonFormatter()
        if use_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler._callcenter = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
