"""Logging set-up: JSON lines when not on a terminal, the call's ids on every line of a call,
and every configured secret scrubbed from messages, arguments and tracebacks."""

import atexit
import json
import logging
import logging.handlers
import queue
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from callcenter.config import Settings

REDACTED = "[REDACTED]"
CALL_FIELDS = ("call_sid", "stream_sid", "call_id")
_MIN_SECRET_LEN = 6
QUIET_LIBRARIES = ("alembic", "httpx", "pocketsphinx")

_call_context: ContextVar[dict[str, Any] | None] = ContextVar("callcenter_call", default=None)
_secrets: set[str] = set()

# Shapes that carry credentials whatever their value: headers, key=value pairs, JSON fields,
# and provider key formats (OpenAI `sk-…`, Resend `re_…`).
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?)((?:bearer|basic|token)\s+)?[^\s\"',;}]+"
        ),
        rf"\1\2{REDACTED}",
    ),
    (
        re.compile(
            r"(?i)(\b(?:password|passwd|pwd|secret|api[_-]?key|api[_-]?token|auth[_-]?token|"
            r"access[_-]?token|x-twilio-signature)[\"']?\s*[:=]\s*[\"']?)[^\s\"',;&}]+"
        ),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), rf"\1{REDACTED}"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), REDACTED),
    (re.compile(r"\bre_[A-Za-z0-9_]{16,}"), REDACTED),
]


def register_secret(value: str | None) -> None:
    """Never log `value` (e.g. a token generated at start-up)."""
    if value and len(value) >= _MIN_SECRET_LEN:
        _secrets.add(value)


def register_secrets(settings: Settings) -> None:
    """Every credential the settings hold."""
    for value in (
        settings.api_token,
        settings.twilio_auth_token,
        settings.openai_api_key,
        settings.resend_api_key,
        settings.admin_password,
        *settings.api_tokens,
    ):
        register_secret(value)


def redact(text: str) -> str:
    """`text` with every registered secret and every credential-shaped value replaced."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


@contextmanager
def bind_call(
    *, call_sid: str | None = None, stream_sid: str | None = None, call_id: int | None = None
) -> Iterator[None]:
    """Put the call's ids on every log line emitted inside the block (and in tasks it starts)."""
    merged = dict(_call_context.get() or {})
    for key, value in (("call_sid", call_sid), ("stream_sid", stream_sid), ("call_id", call_id)):
        if value is not None:
            merged[key] = value
    token = _call_context.set(merged)
    try:
        yield
    finally:
        _call_context.reset(token)


def current_call() -> dict[str, Any]:
    """The ids bound by the innermost `bind_call`, or {}."""
    return dict(_call_context.get() or {})


def call_field(record: logging.LogRecord, name: str) -> Any:
    """A call id of `record`: passed in `extra`, else bound by `bind_call` when it was made."""
    value = getattr(record, name, None)
    if value is None:
        bound = getattr(record, "_cc_call", None)
        if bound:
            value = bound.get(name)
    return value


def _scrub_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | bool):
        return value
    if isinstance(value, str):
        return redact(value)
    try:
        text = str(value)
    except Exception:
        return value
    cleaned = redact(text)
    return cleaned if cleaned != text else value


def _scrub_record(record: logging.LogRecord) -> None:
    """Redact the message and each argument (keeping the argument tuple's shape, which
    formatters such as uvicorn's access log rely on); if the formatted line still shows a
    credential, freeze it as redacted text."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, dict):
        record.args = {key: _scrub_value(value) for key, value in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(_scrub_value(value) for value in record.args)
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the line, let the handler report it
        message = ""
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


_base_factory = logging.getLogRecordFactory()


def _record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    # A private attribute: `extra={"call_sid": ...}` is applied after this and must not clash.
    record._cc_call = _call_context.get()
    _scrub_record(record)
    return record


def install_record_factory() -> None:
    """Redaction and call ids at record creation, so every handler (pytest's too) gets them."""
    if logging.getLogRecordFactory() is not _record_factory:
        logging.setLogRecordFactory(_record_factory)


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the call-scoped fields when present."""

    EXTRA_FIELDS = CALL_FIELDS

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in self.EXTRA_FIELDS:
            value = call_field(record, name)
            if value is not None:
                out[name] = value
        if record.exc_info or record.exc_text:
            out["exc"] = record.exc_text or redact(self.formatException(record.exc_info))  # type: ignore[arg-type]
        return json.dumps(out, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for a terminal, with the call's ids appended when there are some."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = " ".join(
            f"{name}={call_field(record, name)}"
            for name in CALL_FIELDS
            if call_field(record, name) is not None
        )
        return f"{line} [{ids}]" if ids else line


class _OffLoopHandler(logging.handlers.QueueHandler):
    """Queues each record for the writer thread, its message fixed as it is now."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        try:
            record.msg, record.args = record.getMessage(), None
        except Exception:  # a bad format string: the writer's handler reports it
            pass
        return record


def configure_logging(settings: Settings) -> None:
    """Install one handler on the root logger (idempotent); always refresh the secret list."""
    register_secrets(settings)
    install_record_factory()
    root = logging.getLogger()
    if any(getattr(h, "_callcenter", False) for h in root.handlers):
        return
    stream = logging.StreamHandler(sys.stderr)
    use_json = settings.log_format == "json" or (
        settings.log_format == "auto" and not sys.stderr.isatty()
    )
    stream.setFormatter(JsonFormatter() if use_json else TextFormatter())
    # Lines are formatted and written by a thread of their own: a slow or blocked stderr (a
    # full pipe, a stalled log collector) never holds up the event loop and its calls.
    lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = logging.handlers.QueueListener(lines, stream)
    listener.start()
    atexit.register(listener.stop)
    handler = _OffLoopHandler(lines)
    handler._callcenter = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    if root.level > logging.DEBUG:
        # Library chatter a user cannot act on: each migration step, each client request.
        for name in QUIET_LIBRARIES:
            logging.getLogger(name).setLevel(logging.WARNING)
