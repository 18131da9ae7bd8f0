"""Find the callcenter app already serving on this machine, and credentials to use its API.

Commands that place calls use the running app when there is one (the call then shows on its
Live page, and its emails link to its dashboard) instead of serving a core of their own."""

import os
from dataclasses import dataclass
from datetime import timedelta

import httpx

from callcenter.accounts import service as accounts
from callcenter.config import Settings
from callcenter.db.models import Role
from callcenter.db.repo import users as users_repo
from callcenter.db.session import session_scope

PROBE_SECONDS = 1.0
DEFAULT_URLS = ("http://localhost:3000", "http://localhost:8000")  # ./run.sh, ./run.sh core
CLI_SESSION = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class RunningApp:
    base_url: str
    token: str

    def client(self, timeout: float = 30.0) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=timeout,
        )


def candidate_urls(settings: Settings, environ: dict[str, str] | None = None) -> list[str]:
    """Where the app may be: PUBLIC_BASE_URL when it is set, then PORT, then the ports
    `./run.sh` and `./run.sh core` use."""
    environ = dict(os.environ) if environ is None else environ
    urls: list[str] = []
    if environ.get("PUBLIC_BASE_URL") or settings.public_base_url != "http://localhost:8000":
        urls.append(settings.public_base_url)
    if environ.get("PORT", "").isdigit():
        urls.append(f"http://localhost:{environ['PORT']}")
    urls.extend(DEFAULT_URLS)
    return list(dict.fromkeys(url.rstrip("/") for url in urls))


def answers(base_url: str) -> bool:
    """True when a callcenter app answers its health check at `base_url`."""
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


def api_token(settings: Settings) -> str:
    """API_TOKEN when set; otherwise a short dashboard session for a manager, opened through
    the database both share (the generated API token is stored only as a hash)."""
    if settings.api_token:
        return settings.api_token
    with session_scope() as session:
        manager = users_repo.get_user_by_email(session=session, email=settings.admin_email)
        if manager is None or manager.role != Role.manager or not manager.is_active:
            manager = next(
                (u for u in users_repo.list_users(session=session) if u.role == Role.manager),
                None,
            )
        if manager is None or manager.id is None:
            raise LookupError("no manager account to act as: run `create-user … --role manager`")
        return accounts.open_session(session=session, user_id=manager.id, ttl=CLI_SESSION)


def connect(settings: Settings) -> RunningApp | None:
    """The running app and a token for its API, or None when no app answers."""
    base_url = find_running_app(settings)
    if base_url is None:
        return None
    return RunningApp(base_url=base_url, token=api_token(settings))
