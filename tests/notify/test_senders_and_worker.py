"""The file outbox, the `send-outbox` command, and the background worker's wake-up."""

import asyncio
import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

from callcenter.config import Settings, get_settings
from callcenter.db.models import OutboxMessage, OutboxStatus
from callcenter.db.session import session_scope
from callcenter.notify.base import EmailMessage
from callcenter.notify.outbox import send_due_once
from callcenter.notify.senders import FileSender, ResendSender, build_email_sender
from callcenter.notify.worker import run_outbox_worker, wake
from tests.fakes.resend_server import FakeResend
from tests.notify.conftest import queue

MESSAGE = EmailMessage(
    sender="Acme <calls@acme.test>",
    to=["dana@example.com"],
    subject="Thanks for calling Acme",
    html="<p>Hello <b>Dana</b></p>",
    text="Hello Dana",
    idempotency_key="cc-outbox-7-abc",
)


async def test_file_sender_writes_one_eml_per_message_and_overwrites_on_resend(
    tmp_path: Path,
) -> None:
    sender = FileSender(tmp_path / "outbox")
    first = await sender.send(MESSAGE)
    again = await sender.send(MESSAGE)
    files = list((tmp_path / "outbox").iterdir())
    assert first == again
    assert [f.name for f in files] == ["cc-outbox-7-abc.eml"]
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] == "dana@example.com"
    assert parsed["Subject"] == "Thanks for calling Acme"
    assert parsed.get_body(preferencelist=("html",)).get_content().strip() == MESSAGE.html  # type: ignore[union-attr]
    assert parsed.get_body(preferencelist=("plain",)).get_content().strip() == MESSAGE.text  # type: ignore[union-attr]


def test_the_sender_follows_the_settings(env: dict[str, str]) -> None:
    assert isinstance(build_email_sender(get_settings()), FileSender)
    env["RESEND_API_KEY"] = "re_x"
    assert isinstance(build_email_sender(get_settings()), ResendSender)


async def test_an_unwritable_outbox_is_retried_not_lost(db: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    row_id = queue("f1")
    report = await send_due_once(sender=FileSender(blocker), sender_address="a@b.co")
    assert report.retrying == 1
    with session_scope() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None and row.status == OutboxStatus.pending


def test_send_outbox_command_sends_pending_mail_and_exits(db: Settings) -> None:
    queue("cli-1", to="one@example.com")
    queue("cli-2", to="two@example.com")
    result = subprocess.run(
        [sys.executable, "-m", "callcenter", "send-outbox"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert result.returncode == 0, result.stderr
    assert "sent 2" in result.stdout
    assert len(list(Path(db.outbox_dir).glob("*.eml"))) == 2


async def test_the_worker_sends_as_soon_as_it_is_woken(
    db: Settings, fake_resend: FakeResend
) -> None:
    sender = ResendSender(api_key="re_k", api_url=fake_resend.url, timeout=5)
    worker = asyncio.create_task(
        run_outbox_worker(sender, sender_address=db.email_from), name="test-outbox-worker"
    )
    try:
        await asyncio.sleep(0)  # let it start and go idle on an empty outbox
        await asyncio.to_thread(queue, "w1")
        wake()
        delivered = await asyncio.to_thread(fake_resend.delivered_event.wait, 5)
        assert delivered, "the woken worker did not send within 5 s"
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    assert len(fake_resend.delivered) == 1
