"""The one-screen start banner: where the app is, how to sign in, and what each service runs on."""

import sys

from callcenter.config import Settings

_RULE = "─" * 64


def _modes(settings: Settings) -> list[tuple[str, str]]:
    """Each service's mode in words a newcomer can act on."""
    outbox = "files under var/outbox/ (set RESEND_API_KEY to send)"
    return [
        ("Phone", "Twilio" if settings.twilio_enabled else "simulator (no Twilio account set)"),
        ("Voice", "OpenAI Realtime" if settings.openai_enabled else "local offline engine"),
        ("Email", "Resend" if settings.emails_enabled else outbox),
        ("Database", "PostgreSQL" if settings.is_postgres else "SQLite"),
        ("Live", "Redis" if settings.redis_url else "in-process"),
    ]


def start_banner(settings: Settings, *, password: str | None, token: str | None) -> str:
    """The banner text; a generated password or token appears here and nowhere else."""
    url = settings.public_base_url or "http://localhost:3000"
    lines = [_RULE, f"  callcenter is starting at {url}", ""]
    if password:
        lines.append(f"  Sign in     {settings.admin_email} / {password}")
    else:
        lines.append(f"  Sign in     {settings.admin_email} (password set earlier)")
    if token:
        lines.append(f"  API token   {token}")
    if password or token:
        lines.append("              shown this once: store it now")
    lines.append("")
    lines.extend(f"  {name:<11} {mode}" for name, mode in _modes(settings))
    lines.extend(["", "  Stop with Ctrl-C (live calls are finished politely first).", _RULE])
    return "\n".join(lines) + "\n"


def print_start_banner(settings: Settings, *, password: str | None, token: str | None) -> None:
    """Show the banner on the terminal (never through logging, which may be shipped elsewhere)."""
    sys.stderr.write(start_banner(settings, password=password, token=token))
    sys.stderr.flush()
