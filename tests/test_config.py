"""Settings: defaults pick the embedded services; bad values fail naming the variable."""

import pytest

from callcenter.config import ConfigError, get_settings, load_settings


def test_defaults_choose_every_embedded_service(env: dict[str, str]) -> None:
    settings = get_settings()
    assert settings.effective_carrier == "simulator"
    assert settings.effective_voice_engine == "local"
    assert not settings.emails_enabled
    assert settings.service_modes() == {
        "Carrier": "simulator",
        "Voice": "local",
        "Email": "file outbox",
        "DB": "SQLite",
        "Live": "in-process",
    }


def test_credentials_switch_to_the_real_services(env: dict[str, str]) -> None:
    env["TWILIO_ACCOUNT_SID"] = "AC" + "0" * 32
    env["TWILIO_AUTH_TOKEN"] = "secret"
    env["OPENAI_API_KEY"] = "sk-test"
    env["RESEND_API_KEY"] = "re_test"
    settings = get_settings()
    assert settings.twilio_enabled and settings.openai_enabled and settings.emails_enabled
    assert settings.signature_checks_enabled


def test_stream_url_follows_public_base_url_scheme(env: dict[str, str]) -> None:
    env["PUBLIC_BASE_URL"] = "https://calls.example.com/"
    assert get_settings().stream_url == "wss://calls.example.com/media-stream"
    env["PUBLIC_BASE_URL"] = "http://localhost:3000"
    assert get_settings().stream_url == "ws://localhost:3000/media-stream"


def test_comma_lists_are_split_and_validated(env: dict[str, str]) -> None:
    env["TEAM_NOTIFY_EMAILS"] = "a@example.com, b@example.com"
    env["ALLOWED_COUNTRIES"] = "us,ca"
    settings = get_settings()
    assert settings.team_notify_emails == ["a@example.com", "b@example.com"]
    assert settings.allowed_countries == ["US", "CA"]


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("PUBLIC_BASE_URL", "ftp://x", "PUBLIC_BASE_URL"),
        ("TWILIO_PHONE_NUMBER", "12", "TWILIO_PHONE_NUMBER"),
        ("TEAM_NOTIFY_EMAILS", "not-an-email", "TEAM_NOTIFY_EMAILS"),
        ("ALLOWED_COUNTRIES", "USA", "ALLOWED_COUNTRIES"),
        ("CALLING_HOURS", "9-5", "CALLING_HOURS"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("CARRIER", "carrier-pigeon", "CARRIER"),
    ],
)
def test_misconfiguration_is_one_line_naming_the_variable(
    env: dict[str, str], name: str, value: str, needle: str
) -> None:
    env[name] = value
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert needle in message and "\n" not in message


def test_twilio_carrier_without_credentials_is_refused(env: dict[str, str]) -> None:
    env["CARRIER"] = "twilio"
    with pytest.raises(ConfigError, match="TWILIO_ACCOUNT_SID"):
        load_settings()
