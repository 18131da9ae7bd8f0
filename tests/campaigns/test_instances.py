"""Several dialers on one database never dial a contact twice nor exceed `max_concurrent`
together; a dialer process killed mid-dial is replaced without anyone being dialled twice."""

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.campaigns.conftest import Robot, Stage, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_stage(request: pytest.FixtureRequest, env: dict[str, str]) -> Stage:
    if request.param == "postgres":
        request.getfixturevalue("pg_env")
    stage: Stage = request.getfixturevalue("stage")
    return stage


def test_three_dialers_on_one_database_never_double_dial(shared_stage: Stage) -> None:
    stage = shared_stage
    numbers = [f"+1415555{i:04d}" for i in range(1, 31)]
    campaign_id = stage.create(numbers, max_concurrent=4, calls_per_minute=1000)
    stage.start_dialer()
    stage.start_dialer(own_loop=True)
    stage.start_dialer(own_loop=True)
    with Robot(stage, lambda call, nth: (0.1, "completed", "human")) as robot:
        stage.action(campaign_id, "start")
        wait_until(lambda: stage.campaign(campaign_id)["status"] == "completed", 60, "completion")
    assert Counter(c.to for c in stage.fake.calls.values()) == Counter(numbers)
    assert robot.max_open <= 4
    counts = stage.campaign(campaign_id)["counts"]
    assert (counts["done"], counts["total"]) == (30, 30)


def _dialer_process() -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.campaigns.dialer_process"], env=env)


def test_a_dialer_killed_mid_dial_is_replaced_without_dialling_anyone_twice(stage: Stage) -> None:
    numbers = [f"+1415555{i:04d}" for i in range(1, 6)]
    campaign_id = stage.create(numbers, max_concurrent=2, calls_per_minute=1000)
    stage.action(campaign_id, "start")
    first = _dialer_process()
    try:
        one, two = stage.fake.wait_for_calls(2, timeout=30)
        wait_until(
            lambda: all(c["call_ids"] for c in list(stage.contacts(campaign_id).values())[:2])
        )
        # Twilio takes the next request but the answer never reaches the dialer: it dies
        # between asking for the call and learning its sid.
        stage.fake.answering.clear()
        stage.callback(one, "completed", "human")
        calls = stage.fake.wait_for_calls(3, timeout=30)
        assert len(calls) == 3
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    stage.fake.answering.set()
    second = _dialer_process()
    try:
        # Twilio goes on with every call it has, the orphaned one included: its callbacks find
        # the call row the dead dialer created, and the contact hears how it ended.
        with Robot(stage, lambda call, nth: (0.1, "completed", "human")):
            wait_until(
                lambda: stage.campaign(campaign_id)["status"] == "completed", 60, "completion"
            )
    finally:
        second.terminate()
        second.wait(10)
    assert Counter(c.to for c in stage.fake.calls.values()) == Counter(numbers)
    contacts = stage.contacts(campaign_id)
    assert all(c["state"] == "done" and c["attempts"] == 1 for c in contacts.values())
    assert all(len(c["call_ids"]) == 1 for c in contacts.values())
