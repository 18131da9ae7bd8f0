"""The core served on a real port with a recording voice engine, and helpers to drive it."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from callcenter.api import Core, build_core, create_api
from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import Call, CallStatusEvent
from callcenter.db.session import get_engine
from callcenter.telephony.signature import sign
from tests.conftest import TEST_API_TOKEN
from tests.support.app_server import RunningServer, serve_in_thread
from tests.support.servers import free_port
from tests.telephony.voice_fakes import VoiceRecorder

AUTH_TOKEN = "test-twilio-auth-token-0123456789"
ACCOUNT_SID = "AC" + "1" * 32


@dataclass
class ServedCore:
    """The core app on a real port, its parts, and the voice sessions it opened."""

    server: RunningServer
    parts: Core
    voices: VoiceRecorder

    @property
    def settings(self) -> Settings:
        return self.parts.settings

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.server.base_url,
            headers={"Authorization": f"Bearer {TEST_API_TOKEN}"},
            timeout=15,
        )

    def post_signed(
        self, path: str, params: dict[str, str], *, token: str | None = None
    ) -> httpx.Response:
        """POST a webhook as Twilio would, signed with `token` (default: the real one)."""
        url = self.base_url + path
        headers = {}
        if token or self.settings.twilio_auth_token:
            headers["X-Twilio-Signature"] = sign(
                token or self.settings.twilio_auth_token or "", url, params
            )
        return httpx.post(self.server.base_url + path, data=params, headers=headers, timeout=15)


CoreFactory = Callable[..., AbstractContextManager[ServedCore]]


@pytest.fixture
def start_core(env: dict[str, str]) -> CoreFactory:
    """`with start_core(TWILIO_AUTH_TOKEN=...) as core:` serves the core with those settings."""

    @contextmanager
    def _start(**overrides: str) -> Iterator[ServedCore]:
        port = free_port()
        env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
        for key, value in overrides.items():
            env[key] = value
        settings = get_settings()
        upgrade_to_head(settings.database_url)
        voices = VoiceRecorder()
        parts = build_core(settings, voice_factory=voices)
        with serve_in_thread(create_api(settings, parts), port=port) as server:
            yield ServedCore(server=server, parts=parts, voices=voices)

    return _start


@pytest.fixture
def core(start_core: CoreFactory) -> Iterator[ServedCore]:
    """The core with signature checks on (TWILIO_AUTH_TOKEN set; carrier still the simulator)."""
    with start_core(TWILIO_AUTH_TOKEN=AUTH_TOKEN) as running:
        yield running


def calls_in_db() -> list[Call]:
    with Session(get_engine()) as session:
        return list(session.exec(select(Call).order_by(Call.id)).all())  # type: ignore[arg-type]


def status_events(call_id: int) -> list[CallStatusEvent]:
    with Session(get_engine()) as session:
        query = select(CallStatusEvent).where(CallStatusEvent.call_id == call_id)
        return list(session.exec(query.order_by(CallStatusEvent.id)).all())  # type: ignore[arg-type]


def inbound_params(call_sid: str, **extra: str) -> dict[str, Any]:
    return {
        "AccountSid": ACCOUNT_SID,
        "CallSid": call_sid,
        "From": "+14155550100",
        "To": "+14155550199",
        "CallStatus": "ringing",
        "Direction": "inbound",
        **extra,
    }
