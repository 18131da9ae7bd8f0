"""`twilio-setup` points the number's webhooks at PUBLIC_BASE_URL through the Twilio SDK."""

from collections.abc import Iterator

import pytest

from callcenter.__main__ import main
from tests.fakes.twilio_rest import FakeTwilio, fake_twilio_rest

ACCOUNT = "AC" + "1" * 32
TOKEN = "twilio-auth-token-0123456789abcd"
NUMBER = "+14155550100"


@pytest.fixture
def twilio(env: dict[str, str]) -> Iterator[FakeTwilio]:
    with fake_twilio_rest(ACCOUNT, TOKEN) as fake:
        env["TWILIO_ACCOUNT_SID"] = ACCOUNT
        env["TWILIO_AUTH_TOKEN"] = TOKEN
        env["TWILIO_PHONE_NUMBER"] = NUMBER
        env["TWILIO_API_BASE_URL"] = fake.base_url
        env["PUBLIC_BASE_URL"] = "https://calls.example.com"
        yield fake


def test_the_number_gets_our_voice_webhook_and_status_callback(
    twilio: FakeTwilio, capsys: pytest.CaptureFixture[str]
) -> None:
    other = twilio.add_number("+14155550111", VoiceUrl="https://elsewhere.example/voice")
    ours = twilio.add_number(
        NUMBER,
        VoiceUrl="https://demo.twilio.com/welcome/voice/",
        VoiceApplicationSid="AP" + "2" * 32,
    )

    assert main(["twilio-setup"]) == 0

    assert ours.resource()["voice_url"] == "https://calls.example.com/api/inbound-call"
    assert ours.resource()["voice_method"] == "POST"
    assert ours.resource()["status_callback"] == "https://calls.example.com/api/call-status"
    assert ours.resource()["status_callback_method"] == "POST"
    assert not ours.resource()["voice_application_sid"]  # an app would override the URL
    assert other.resource()["voice_url"] == "https://elsewhere.example/voice"
    out = capsys.readouterr().out
    assert ours.sid in out and "https://calls.example.com/api/inbound-call" in out


def test_a_number_the_account_does_not_own_is_refused_with_a_reason(
    twilio: FakeTwilio, capsys: pytest.CaptureFixture[str]
) -> None:
    twilio.add_number("+14155550111")
    assert main(["twilio-setup"]) == 1
    assert f"{NUMBER} is not a phone number of Twilio account {ACCOUNT}" in capsys.readouterr().err


def test_wrong_credentials_and_missing_settings_say_why(
    twilio: FakeTwilio, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    twilio.add_number(NUMBER)
    env["TWILIO_AUTH_TOKEN"] = "not-the-token-0123456789abcdef"
    assert main(["twilio-setup"]) == 1
    assert "Twilio refused the request" in capsys.readouterr().err
    del env["TWILIO_PHONE_NUMBER"]
    assert main(["twilio-setup"]) == 1
    assert "TWILIO_PHONE_NUMBER" in capsys.readouterr().err


def test_a_local_public_base_url_is_warned_about(
    twilio: FakeTwilio, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    twilio.add_number(NUMBER)
    env["PUBLIC_BASE_URL"] = "http://localhost:3000"
    assert main(["twilio-setup"]) == 0
    assert "Twilio cannot reach it" in capsys.readouterr().err
