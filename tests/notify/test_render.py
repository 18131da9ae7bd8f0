"""The emails' words: company, what was discussed, next step, and the link to the lead."""

from callcenter.config import Settings
from callcenter.db.models import Call, CallDirection, CallStatus, Lead
from callcenter.notify.render import Discussion, render_followup, render_team_notification

SETTINGS = Settings(company_name="Acme Growth", public_base_url="https://calls.acme.test")
LEAD = Lead(
    id=7,
    name="Dana <b>Reyes</b>",
    email="dana@reyes.com",
    phone="+15550001111",
    business_type="plumbing",
    need="a booking system",
)
CALL = Call(id=3, direction=CallDirection.inbound, status=CallStatus.completed, duration_seconds=95)


def test_followup_thanks_the_lead_says_what_was_discussed_and_the_next_step() -> None:
    email = render_followup(settings=SETTINGS, lead=LEAD)
    assert email.subject == "Thanks for calling Acme Growth"
    for body in (email.text, email.html):
        assert "Acme Growth" in body
        assert "booking system" in body
        assert "plumbing" in body
        assert "+1 555-000-1111" in body  # the next step, in the one display format
    assert email.text.startswith("Hi Dana,")


def test_team_notification_links_to_the_lead_and_quotes_the_caller() -> None:
    email = render_team_notification(
        settings=SETTINGS,
        lead=LEAD,
        call=CALL,
        discussion=Discussion(caller_lines=["Hi, this is Dana.", "We need a booking system."]),
    )
    assert "New lead" in email.subject
    assert "https://calls.acme.test/leads/7" in email.text
    assert 'href="https://calls.acme.test/leads/7"' in email.html
    assert "We need a booking system." in email.text


def test_caller_words_are_escaped_in_html_but_plain_in_text() -> None:
    email = render_team_notification(
        settings=SETTINGS, lead=LEAD, call=CALL, discussion=Discussion(["<script>x</script>"])
    )
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "Dana &lt;b&gt;Reyes&lt;/b&gt;" in email.html
    assert "<script>x</script>" in email.text
