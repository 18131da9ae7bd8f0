"""Find the callcenter app already serving on this machine, or say plainly that there is none.

Commands that place calls send them to the running app when there is one: the call is bridged
there, shows on its Live page, and its emails link to its dashboard."""

import os
import sys

import httpx

from callcenter.config import Settings

PROBE_SECONDS = 1.0
DEFAULT_URLS = ("http://localhost:3000", "http://localhost:8000")  # ./run.sh, ./run.sh core
DEFAULT_PUBLIC_URL = "http://localhost:8000"  # the setting's default: not chosen by anyone


def candidate_urls(settings: Settings, environ: dict[str, str] | None = None) -> list[str]:
    """Where the app may be: PUBLIC_BASE_URL when it is set (and then only there), else PORT,
    else the ports `./run.sh` and `./run.sh core` serve on."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get("PUBLIC_BASE_URL") or settings.public_base_url != DEFAULT_PUBLIC_URL:
        return [settings.public_base_url.rstrip("/")]
    if environ.get("PORT", "").isdigit():
        return [f"http://localhost:{environ['PORT']}"]
    return list(DEFAULT_URLS)


def answers(base_url: str) -> bool:
    """True when a callcenter app answers its readiness check at `base_url`."""
    try:
        response = httpx.get(f"{base_url}/api/health", timeout=PROBE_SECONDS)
    except httpx.HTTPError:
        return False
    if response.status_code not in (200, 503):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and "modes" in body


def find_running_app(settings: Settings) -> str | None:
    """The base URL of the first candidate that answers, or None."""
    return next((url for url in candidate_urls(settings) if answers(url)), None)


def using_app(settings: Settings, base_url: str, command: str) -> Settings:
    """`settings` aimed at the running app (webhooks and links go there), said on stderr."""
    _say(f"{command}: using the app at {base_url} (watch live: {base_url}/live)")
    return settings.model_copy(update={"public_base_url": base_url})


def say_serving_own(settings: Settings, command: str) -> None:
    """Say plainly that no app was found and this command serves a core of its own, where."""
    tried = ", ".join(candidate_urls(settings))
    _say(
        f"{command}: no running callcenter app answered ({tried}); serving one for this "
        f"command at {settings.public_base_url} until it ends. Start ./run.sh first to watch "
        "the call on the dashboard."
    )


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)  # noqa: T201
