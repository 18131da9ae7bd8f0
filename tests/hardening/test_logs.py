"""Logs: the call's ids on every line of a call, JSON off a terminal, secrets never written."""

import asyncio
import io
import json
import logging

import pytest

from callcenter import logs
from callcenter.config import Settings

SECRETS = {
    "API_TOKEN": "tok-abcdefghijklmnop",
    "TWILIO_AUTH_TOKEN": "twilio0123456789abcdef",
    "OPENAI_API_KEY": "sk-test-0123456789abcdefghij",
    "RESEND_API_KEY": "re_0123456789abcdefghijkl",
    "ADMIN_PASSWORD": "hunter2-correct-horse",
}


@pytest.fixture
def json_lines(env: dict[str, str]) -> io.StringIO:
    for key, value in SECRETS.items():
        env[key] = value
    env["CARRIER"] = "simulator"
    env["VOICE_ENGINE"] = "local"
    logs.configure_logging(Settings())
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_line_inside_a_call_carries_its_ids_even_in_tasks(json_lines: io.StringIO) -> None:
    log = logging.getLogger("callcenter.test")

    async def _call() -> None:
        with logs.bind_call(call_sid="CA123", call_id=7):
            log.info("stream starting")
            with logs.bind_call(stream_sid="MZ9"):
                await asyncio.create_task(asyncio.to_thread(log.info, "in a worker thread"))
                await asyncio.create_task(_child())
        log.info("after the call")

    async def _child() -> None:
        log.warning("from a child task")

    asyncio.run(_call())
    lines = {r["msg"]: r for r in _records(json_lines) if r["logger"] == "callcenter.test"}
    assert lines["stream starting"]["call_sid"] == "CA123"
    assert "stream_sid" not in lines["stream starting"]
    for msg in ("in a worker thread", "from a child task"):
        assert (lines[msg]["call_sid"], lines[msg]["stream_sid"], lines[msg]["call_id"]) == (
            "CA123",
            "MZ9",
            7,
        )
    assert "call_sid" not in lines["after the call"]


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("token is %s", (SECRETS["API_TOKEN"],)),
        ("twilio %s", (SECRETS["TWILIO_AUTH_TOKEN"],)),
        ("headers: %s", ({"Authorization": "Bearer some-unregistered-value"},)),
        ("Authorization: Basic QUMxMjM6c2VjcmV0", ()),
        ('{"password": "p4ssw0rd-not-registered"}', ()),
        ("login with password=p4ssw0rd-not-registered&x=1", ()),
        ("key sk-proj-abcdefghijklmnopqrstuvwx leaked", ()),
        ("resend re_ABCDEFGHIJKLMNOPQRSTUV leaked", ()),
        ("%(who)s used %(key)s", {"who": "x", "key": SECRETS["OPENAI_API_KEY"]}),
    ],
)
def test_credentials_are_redacted_from_messages_and_arguments(
    json_lines: io.StringIO, message: str, args: object
) -> None:
    logging.getLogger("callcenter.test").info(message, *([args] if args else []))
    text = json_lines.getvalue()
    assert logs.REDACTED in text
    for secret in [
        *SECRETS.values(),
        "some-unregistered-value",
        "QUMxMjM6c2VjcmV0",
        "p4ssw0rd-not-registered",
        "sk-proj-abcdefghijklmnopqrstuvwx",
        "re_ABCDEFGHIJKLMNOPQRSTUV",
    ]:
        assert secret not in text


def test_secrets_in_exceptions_are_redacted(json_lines: io.StringIO) -> None:
    try:
        raise RuntimeError(f"connect failed with key {SECRETS['RESEND_API_KEY']}")
    except RuntimeError:
        logging.getLogger("callcenter.test").exception("send failed")
    record = _records(json_lines)[-1]
    assert "RuntimeError" in str(record["exc"])
    assert SECRETS["RESEND_API_KEY"] not in json_lines.getvalue()


def test_structured_args_keep_their_shape_for_other_formatters(json_lines: io.StringIO) -> None:
    """uvicorn's access formatter unpacks the argument tuple; it must survive redaction."""
    seen: list[object] = []

    class _Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.args)

    capture = _Capture()
    logger = logging.getLogger("callcenter.access-test")
    logger.addHandler(capture)
    try:
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/api/calls", "1.1", 200)
    finally:
        logger.removeHandler(capture)
    assert seen == [("127.0.0.1:5", "GET", "/api/calls", "1.1", 200)]


def test_text_format_appends_the_call_ids() -> None:
    formatter = logs.TextFormatter()
    with logs.bind_call(call_sid="CA1", stream_sid="MZ1"):
        record = logging.getLogger("x").makeRecord("x", logging.INFO, __file__, 1, "hi", (), None)
    assert formatter.format(record).endswith("hi [call_sid=CA1 stream_sid=MZ1]")


def test_extra_ids_and_bound_ids_can_be_used_together(json_lines: io.StringIO) -> None:
    log = logging.getLogger("callcenter.test")
    with logs.bind_call(call_sid="CA-bound", call_id=3):
        log.info("explicit", extra={"call_sid": "CA-extra", "stream_sid": "MZ-extra"})
    record = _records(json_lines)[-1]
    assert (record["call_sid"], record["stream_sid"], record["call_id"]) == (
        "CA-extra",
        "MZ-extra",
        3,
    )
