"""A campaign through the carrier simulator: real webhooks, media streams and AMD; the agent
is told the campaign's instructions and the contact's name."""

from collections.abc import Iterator

import pytest

from callcenter.api import build_core, create_api
from callcenter.campaigns.dialer import CampaignDialer
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.sim import callers as sim_callers
from callcenter.sim.caller import SimulatedCaller
from callcenter.sim.carrier import SimCallInfo, SimulatorCarrier
from tests.campaigns.conftest import FAST, Stage, wait_until
from tests.support.app_server import serve_in_thread
from tests.support.servers import free_port
from tests.telephony.voice_fakes import VoiceRecorder

CALLEES: dict[str, SimulatedCaller] = {
    "+14155550001": sim_callers.silence_caller(0.5),  # a person who listens, then hangs up
    "+14155550002": sim_callers.unanswered_caller("busy"),
    "+14155550003": sim_callers.machine_caller(1.0, amd_seconds=0.2),
}


def _callee(info: SimCallInfo) -> SimulatedCaller:
    return CALLEES[info.to_number]


@pytest.fixture
def simulated(env: dict[str, str]) -> Iterator[tuple[Stage, VoiceRecorder]]:
    port = free_port()
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    voices = VoiceRecorder()
    parts = build_core(
        settings,
        carrier=SimulatorCarrier(settings, caller_factory=_callee, ring_seconds=0.1),
        voice_factory=voices,
    )
    with serve_in_thread(create_api(settings, parts), port=port) as server:
        stage = Stage(fake=None, server=server, parts=parts)  # type: ignore[arg-type]
        try:
            yield stage, voices
        finally:
            stage.stop_dialers()


def test_a_simulated_campaign_ends_every_contact_by_its_policy_and_briefs_the_agent(
    simulated: tuple[Stage, VoiceRecorder],
) -> None:
    stage, voices = simulated
    with stage.api() as api:
        response = api.post(
            "/api/campaigns",
            json={
                "name": "Dentists",
                "instructions": "Offer the spring check-up discount.",
                "retry": {"max_attempts": 2, "retry_after_seconds": 1, "retry_on": ["busy"]},
                "contacts": [
                    {"phone": "+14155550001", "name": "Dr Ada Byron", "company": "Smile Co"},
                    {"phone": "+14155550002", "name": "Bob"},
                    {"phone": "+14155550003", "name": "Carl"},
                ],
            },
        )
        assert response.status_code == 201
        campaign_id = response.json()["id"]
    dialer: CampaignDialer = stage.start_dialer(FAST)
    assert dialer.identity
    stage.action(campaign_id, "start")
    wait_until(lambda: stage.campaign(campaign_id)["status"] == "completed", 60, "completion")
    contacts = stage.contacts(campaign_id)
    person, busy, machine = (contacts[n] for n in CALLEES)
    assert (person["state"], person["last_outcome"], person["attempts"]) == ("done", "completed", 1)
    assert (busy["state"], busy["last_outcome"], busy["attempts"]) == ("failed", "busy", 2)
    assert (machine["state"], machine["last_outcome"]) == ("done", "machine")
    with stage.api() as api:
        call = api.get(f"/api/calls/{person['call_ids'][0]}").json()
    assert (call["direction"], call["to_number"], call["status"]) == (
        "outbound",
        "+14155550001",
        "completed",
    )
    configs = [s.config for s in voices.sessions if s.config is not None]
    briefed = [c for c in configs if c.lead_name == "Dr Ada Byron"]
    assert briefed, [c.lead_name for c in configs]
    assert "Offer the spring check-up discount." in briefed[0].instructions
    assert "Smile Co" in briefed[0].instructions
