"""A server killed mid-call takes its decoder processes (and their models) with it."""

import contextlib
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)

SERVER = """
import sys
from callcenter.voice.providers.local.neural_worker import DecoderProcesses
decoders = DecoderProcesses(2)
for started in decoders.warm_up():
    print(started.result(timeout=90), flush=True)
sys.stdin.read()  # serve until killed
"""


def test_decoder_processes_end_when_the_server_is_killed() -> None:
    root = Path(__file__).resolve().parents[3]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    pids: list[int] = []
    try:
        assert server.stdout is not None
        pids = [int(server.stdout.readline()) for _ in range(2)]
        handles = [os.pidfd_open(pid) for pid in pids]  # readable once that process has ended
        ready, _, _ = select.select(handles, [], [], 0)
        assert ready == []  # alive while the server is
        server.send_signal(signal.SIGKILL)  # no clean-up runs: as in a crash or an OOM kill
        server.wait(timeout=30)
        for handle in handles:
            ended, _, _ = select.select([handle], [], [], 30)
            assert ended == [handle], "a decoder process outlived the server that started it"
            os.close(handle)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for pid in pids:  # when the test fails, leave nothing running behind it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
