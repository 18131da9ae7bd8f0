"""In the running core: a finalised call's emails are sent by the lifespan's outbox worker."""

import asyncio

from fastapi.testclient import TestClient

from callcenter.api import create_api
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.leads.finalize import finalize_call
from tests.fakes.resend_server import FakeResend
from tests.leads.factories import SPELLED_EMAIL_CALL, make_call


async def test_the_core_sends_both_emails_after_a_call_without_polling(
    env: dict[str, str], fake_resend: FakeResend
) -> None:
    env["BACKGROUND_WORKERS"] = "true"
    env["RESEND_API_KEY"] = "re_live_test"
    env["RESEND_API_URL"] = fake_resend.url
    env["TEAM_NOTIFY_EMAILS"] = "sales@acme.test"
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    with TestClient(create_api(settings)):
        call_id = make_call(SPELLED_EMAIL_CALL)
        await finalize_call(settings=settings, call_id=call_id)
        delivered = await asyncio.to_thread(fake_resend.wait_for_deliveries, 2, 10)
    assert delivered, f"only {len(fake_resend.delivered)} email(s) were sent"
    assert sorted(d["to"][0] for d in fake_resend.delivered) == [
        "dana@reyesplumbing.com",
        "sales@acme.test",
    ]
