"""One whole call with every credential configured and a flaky email provider: the lead's
email still goes out exactly once, `/metrics` shows the product's numbers, and not one
configured secret appears anywhere in the logs of the call (DEBUG level, every library)."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from callcenter.db.models import CallStatus
from tests.conftest import TEST_API_TOKEN
from tests.fakes.realtime_server import API_KEY
from tests.fakes.resend_server import resend_server
from tests.hardening.stack import (
    TWILIO_TOKEN,
    RemoteCaller,
    eventually,
    greeting_script,
    running_stack,
    wait_server_side,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]
RESEND_KEY = "re_hardening_0123456789abcdef"
ADMIN_PASSWORD = "admin-password-1"  # set by the `env` fixture


def test_full_call_with_flaky_email_provider(env: dict[str, str]) -> None:
    with resend_server() as resend:
        resend.fail_next(500, "stall")  # an outage, then an answer lost to a timeout
        with running_stack(
            env,
            greeting_script(),
            RESEND_API_KEY=RESEND_KEY,
            RESEND_API_URL=resend.url,
            TEAM_NOTIFY_EMAILS="team@example.com",
            BACKGROUND_WORKERS="true",
        ) as stack:
            caller = RemoteCaller()
            call = stack.place_call(caller)
            stack.run(caller.wait_quiet())
            stack.run(caller.say(600))
            stack.run(caller.wait_heard(caller.heard_bytes + 600 * 8))
            stack.run(caller.wait_quiet())
            stack.run(caller.hang_up())
            stack.wait(call)
            wait_server_side(stack)
            eventually(
                lambda: stack.call_row(call.call_sid).finalized_at is not None, what="finalised"
            )
            assert resend.wait_for_deliveries(1, timeout=40)
            api = httpx.Client(
                base_url=stack.server.base_url,
                headers={"Authorization": f"Bearer {TEST_API_TOKEN}"},
                timeout=10,
            )
            row = stack.call_row(call.call_sid)
            detail = api.get(f"/api/calls/{row.id}").json()
            metrics_text = api.get("/metrics").text
            logs = stack.logs.getvalue()

    # The email: failed, retried, delivered once, always under the same idempotency key.
    assert [d["to"] for d in resend.delivered] == [["team@example.com"]]
    keys = {r.idempotency_key for r in resend.requests}
    assert len(resend.requests) >= 2 and len(keys) == 1
    assert row.status == CallStatus.completed and row.lead_id is not None
    assert [t["role"] for t in detail["transcript"]] == ["agent", "caller", "agent"]

    # /metrics after the call: the product's five promised numbers.
    parsed = [s for f in text_string_to_metric_families(metrics_text) for s in f.samples]
    samples = {s.name: s.value for s in parsed}
    assert samples["callcenter_active_calls"] == 0
    assert samples["callcenter_call_duration_seconds_count"] == 1
    assert samples["callcenter_lead_conversion_ratio"] == 1.0
    assert any(name == "callcenter_http_request_duration_seconds_count" for name in samples)
    # The provider's 500 is counted as an error (error rate by kind).
    assert any(
        s.name == "callcenter_errors_total" and "email" in s.labels.get("kind", "") for s in parsed
    )

    # Not one secret in the logs (nor in the metrics).
    assert len(logs.splitlines()) > 50  # DEBUG logs of every library were captured
    for secret in (TWILIO_TOKEN, API_KEY, RESEND_KEY, TEST_API_TOKEN, ADMIN_PASSWORD):
        assert secret not in logs, f"a configured secret leaked into the logs: {secret[:4]}…"
        assert secret not in metrics_text
