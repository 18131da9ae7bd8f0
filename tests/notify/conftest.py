"""Outbox fixtures: a fake Resend and queued messages (the `db` fixture is shared)."""

from collections.abc import Iterator

import pytest

from callcenter.db.session import session_scope
from callcenter.notify.outbox import enqueue_email
from callcenter.notify.render import Rendered
from tests.fakes.resend_server import FakeResend, resend_server


@pytest.fixture
def fake_resend() -> Iterator[FakeResend]:
    with resend_server() as fake:
        yield fake


def queue(key: str, to: str = "dana@example.com", subject: str = "Hello") -> int:
    """Queue one email and return its row id."""
    with session_scope() as session:
        row = enqueue_email(
            session=session,
            dedupe_key=key,
            kind="followup",
            to_address=to,
            rendered=Rendered(subject=subject, html=f"<p>{subject}</p>", text=subject),
        )
        assert row is not None and row.id is not None
        return row.id
