"""A server killed mid-call takes its decoder processes (and their models) with it."""

import contextlib
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)

SERVER = """
import sys
from callcenter.voice.providers.local.neural_worker import DecoderProcesses
decoders = DecoderProcesses(2)
started = decoders.warm_up()
if sys.argv[1] == "ready":
    for future in started:
        print(future.result(timeout=90), flush=True)
else:
    print("starting", flush=True)
sys.stdin.read()  # serve until killed
"""


@contextlib.contextmanager
def server(when: str) -> Iterator[subprocess.Popen[str]]:
    """A server process with two decoder processes; killed at the end if the test did not."""
    root = Path(__file__).resolve().parents[3]
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, when],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def assert_all_end(pids: list[int]) -> None:
    """Each of `pids` ends within 30 s; any that does not is killed, so none outlives the test."""
    handles = {pid: os.pidfd_open(pid) for pid in pids}  # readable once that process has ended
    try:
        for pid, handle in handles.items():
            ended, _, _ = select.select([handle], [], [], 30)
            assert ended == [handle], f"process {pid} outlived the server that started it"
    finally:
        for pid, handle in handles.items():
            os.close(handle)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_decoder_processes_end_when_the_server_is_killed() -> None:
    with server("ready") as process:
        assert process.stdout is not None
        pids = [int(process.stdout.readline()) for _ in range(2)]
        handles = [os.pidfd_open(pid) for pid in pids]
        ready, _, _ = select.select(handles, [], [], 0)
        for handle in handles:
            os.close(handle)
        assert ready == []  # alive while the server is
        process.send_signal(signal.SIGKILL)  # no clean-up runs: as in a crash or an OOM kill
        process.wait(timeout=30)
        assert_all_end(pids)


def test_decoder_processes_end_when_the_server_is_killed_while_they_start() -> None:
    """Killed before they have loaded anything: each learns its server is gone only later."""
    with server("starting") as process:
        assert process.stdout is not None
        assert process.stdout.readline() == "starting\n"
        pids = children(process.pid)
        assert len(pids) >= 2  # the decoder processes (and multiprocessing's resource tracker)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert_all_end(pids)
