"""Moonshine in worker processes, so a decode's Python search never holds the calls' GIL.

A decode is an encoder pass, a greedy transcript and a beam search in Python over tries of
names, business types or addresses: 100–300 ms of CPU, much of it Python. Run in the process
that serves the calls, four calls' decodes (and a caller's one-second email search build)
queue behind each other on the GIL and starve the event loop; in their own processes they run
on every core beside it. Each `DecoderProcess` is one process holding the model; a call is
pinned to one, so the email search built for its caller is there when the email turn comes.
A decode given a ticket can be stopped mid-search (`stop`): a spelled address is searched
at the caller's pauses, and one who goes on spelling must not hold the process for the
half second that search takes.
"""

import functools
import gc
import itertools
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

import numpy as np

from callcenter.voice.providers.local.neural_decode import Decoder, Engine, engine
from callcenter.voice.providers.local.parent_watch import exit_with_parent

log = logging.getLogger(__name__)
T = TypeVar("T")
PROCESSES = max(1, min(4, os.cpu_count() or 1))
# Slots of the table of stopped tickets: more than the decodes one process ever has queued.
STOP_SLOTS = 64

_decoder: Decoder | None = None  # in a worker process: its model and searches
_stopped: Any = None  # in a worker process: ticket T is stopped when slot T % STOP_SLOTS == T


def _start(stopped: Any, server: int) -> None:
    global _decoder, _stopped
    exit_with_parent(server)  # a server killed mid-call must not leave its models behind
    _decoder = Decoder(engine())
    _stopped = stopped
    gc.freeze()


def _settle() -> None:
    """After a job: what it left alive (the model, a caller's email search) is kept for long
    and has no cycles, so the cyclic collector stops walking it (each full collection walked
    every trie in the process: seconds per caller's search once a few were kept)."""
    gc.freeze()


def _worker() -> Decoder:
    assert _decoder is not None, "the worker process was started without its model"
    return _decoder


def _ready() -> int:
    return os.getpid()


def _prepare(name: str, business: str) -> None:
    _worker().prepare(name, business)
    _settle()


def _prepare_spelling(name: str, business: str) -> None:
    _worker().prepare_spelling(name, business)
    _settle()


def _decode(
    search: str, pcm16k: np.ndarray, name: str, business: str, grammar: str, ticket: int
) -> str:
    stop = functools.partial(_is_stopped, ticket) if ticket else None
    words = _worker().decode(search, pcm16k, name, business, grammar, stop)
    _settle()
    return words


def _is_stopped(ticket: int) -> bool:
    return bool(_stopped[ticket % STOP_SLOTS] == ticket)


class DecoderProcess:
    """One worker process with the model; jobs run one at a time, in the order given. A
    process that died is started again on the next job (`restart`)."""

    stoppable = True

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._context = multiprocessing.get_context("spawn")
        self._stopped: Any = None  # shared with the process, made with it (one slot a ticket)
        self._tickets = itertools.count(1)

    def decode(
        self,
        search: str,
        pcm16k: np.ndarray,
        name: str,
        business: str,
        grammar: str = "",
        ticket: int = 0,
    ) -> Future[str]:
        """The words of an utterance; with a `ticket` (from `ticket`) it may be stopped."""
        return self._submit(_decode, search, pcm16k, name, business, grammar, ticket)

    def ticket(self) -> int:
        """A number for a decode that may be stopped with `stop`."""
        with self._lock:
            return next(self._tickets)

    def stop(self, ticket: int) -> None:
        """Stop the decode holding `ticket`: its future fails with `neural_search.Cancelled`
        within a decoder step (or it never starts)."""
        if self._stopped is not None:
            self._stopped[ticket % STOP_SLOTS] = ticket

    def prepare(self, name: str, business: str) -> Future[None]:
        return self._submit(_prepare, name, business)

    def prepare_spelling(self, name: str, business: str) -> Future[None]:
        return self._submit(_prepare_spelling, name, business)

    def ready(self) -> Future[int]:
        """Start the process and load its model; the future holds the process id."""
        return self._submit(_ready)

    def restart(self) -> None:
        """Drop the process (it died or hangs); the next job starts a new one."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
            executor.shutdown(wait=False, cancel_futures=True)

    def _submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        with self._lock:
            if self._executor is None:
                if self._stopped is None:  # writers set whole slots, the process reads: no lock
                    self._stopped = self._context.RawArray("q", STOP_SLOTS)
                self._executor = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=self._context,
                    initializer=_start,
                    initargs=(self._stopped, os.getpid()),
                )
            return self._executor.submit(fn, *args)


class InlineDecoder:
    """`DecoderProcess`'s interface in this process (benchmarks that time the decode alone)."""

    stoppable = False  # a decode here is done before it could be stopped

    def __init__(self, shared: Engine) -> None:
        self._decoder = Decoder(shared)

    def decode(
        self,
        search: str,
        pcm16k: np.ndarray,
        name: str,
        business: str,
        grammar: str = "",
        ticket: int = 0,
    ) -> Future[str]:
        return _done(self._decoder.decode, search, pcm16k, name, business, grammar)

    def ticket(self) -> int:
        return 0

    def stop(self, ticket: int) -> None:
        pass

    def prepare(self, name: str, business: str) -> Future[None]:
        return _done(self._decoder.prepare, name, business)

    def prepare_spelling(self, name: str, business: str) -> Future[None]:
        return _done(self._decoder.prepare_spelling, name, business)

    def restart(self) -> None:
        pass


def _done(fn: Callable[..., T], *args: Any) -> Future[T]:
    future: Future[T] = Future()
    try:
        future.set_result(fn(*args))
    except Exception as exc:
        future.set_exception(exc)
    return future


class DecoderProcesses:
    """The process's decoder processes, handed to calls in turn."""

    def __init__(self, count: int = PROCESSES) -> None:
        self.all = [DecoderProcess() for _ in range(count)]
        self._turn = itertools.count()

    def next(self) -> DecoderProcess:
        return self.all[next(self._turn) % len(self.all)]

    def warm_up(self) -> list[Future[int]]:
        """Start every process and load its model now (a few seconds, in the background)."""
        started = [process.ready() for process in self.all]
        for future in started:
            future.add_done_callback(_log_failure)
        return started


def _log_failure(future: Future[int]) -> None:
    if future.exception() is not None:
        log.error("a Moonshine decoder process could not start: %s", future.exception())


DECODERS = DecoderProcesses()
