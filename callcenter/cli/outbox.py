"""`send-outbox`: send every email that is due now, once, and exit."""

import argparse
import asyncio

from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.repo import outbox as outbox_repo
from callcenter.db.session import session_scope
from callcenter.notify.outbox import SendReport, send_due_once
from callcenter.notify.senders import build_email_sender


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "send-outbox",
        help="send pending emails once and exit",
        description="Send every outbox email that is due now (Resend when RESEND_API_KEY is "
        "set, else .eml files under OUTBOX_DIR), then exit. Failures are rescheduled with "
        "backoff for the next run or the background worker.",
    )
    parser.set_defaults(handler=run)


async def _send_all() -> SendReport:
    settings = get_settings()
    sender = build_email_sender(settings)
    total = SendReport()
    while True:
        report = await send_due_once(sender=sender, sender_address=settings.email_from)
        total.claimed += report.claimed
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        if report.claimed == 0 or report.sent == 0:
            return total


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.auto_migrate:
        upgrade_to_head(settings.database_url)
    report = asyncio.run(_send_all())
    with session_scope() as session:
        counts = outbox_repo.count_by_status(session=session)
    print(  # noqa: T201
        f"sent {report.sent}, will retry {report.retrying}, failed {report.failed}; "
        f"outbox now: {counts.get('pending', 0)} pending, {counts.get('sent', 0)} sent, "
        f"{counts.get('failed', 0)} failed"
    )
    return 1 if report.failed else 0
