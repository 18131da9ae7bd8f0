"""The start banner: one screen with the URL, sign-in, token and each service's mode."""

from callcenter.banner import start_banner
from callcenter.config import Settings


def test_first_start_shows_the_generated_secrets_and_every_service_mode(
    env: dict[str, str],
) -> None:
    settings = Settings(public_base_url="http://localhost:3001", admin_email="boss@example.com")
    text = start_banner(settings, password="pw-123456", token="tok-abcdef")
    assert "callcenter is starting at http://localhost:3001" in text
    assert "Sign in     boss@example.com / pw-123456" in text
    assert "API token   tok-abcdef" in text
    for service in ("Phone", "Voice", "Email", "Database", "Live"):
        assert f"  {service} " in text
    assert "simulator" in text and "local offline engine" in text
    assert len(text.splitlines()) <= 24  # one screen


def test_later_starts_never_show_a_secret_again(env: dict[str, str]) -> None:
    settings = Settings(public_base_url="http://localhost:3000", admin_email="boss@example.com")
    text = start_banner(settings, password=None, token=None)
    assert "boss@example.com (password set earlier)" in text
    assert "API token" not in text and "store it now" not in text
