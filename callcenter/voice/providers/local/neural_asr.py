"""Neural recognition for the dialog: Moonshine for answers and replies, pocketsphinx for the rest.

The name, business, need, email and yes/no states collect the caller's audio and have a decoder
process (`neural_worker`) decode it with Moonshine (`neural_decode` says how each state is
searched). The decode starts as soon as the caller pauses, before the endpointer has decided
the turn is over, and its words are used if the caller said nothing more; so the turn's end
and the decode overlap. A caller's first spelled address is decoded there too, among their
likely addresses (the search is built when they start spelling); letters pause often, so a
spelled address's early decode is stopped as soon as the caller goes on. Digits and later spellings
stay with pocketsphinx's grammars, which also listen to every utterance so that an
answer they hear complete ends the turn early; the decoder is told what they heard (the name
search keeps the grammar's whole name when Moonshine finds it nearly as likely).
"""

import logging
from concurrent.futures import Future

import numpy as np

from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local import understanding as nlu
from callcenter.voice.providers.local.asr import POOL, Recognizer
from callcenter.voice.providers.local.audio import Int16Array, resample
from callcenter.voice.providers.local.neural_decode import (
    LONG_SAMPLES,
    Engine,
    caller_key,
    engine,
)
from callcenter.voice.providers.local.neural_worker import DECODERS, DecoderProcess, InlineDecoder

log = logging.getLogger(__name__)

NEURAL_SEARCHES = frozenset(
    {grammars.NAME, grammars.BUSINESS, grammars.NEED, grammars.EMAIL, grammars.YESNO}
)
MIN_SAMPLES = 1600  # 0.1 s at 16 kHz: shorter is no answer
DECODE_TIMEOUT_S = 15.0  # a decode that takes this long is lost: its process is replaced

__all__ = ["NEURAL_POOL", "NEURAL_SEARCHES", "NeuralPool", "NeuralRecognizer", "engine"]


class NeuralRecognizer:
    """The `asr.Recognizer` interface: Moonshine for open answers, `fallback` for the rest."""

    def __init__(self, fallback: Recognizer, decoder: DecoderProcess | InlineDecoder | Engine):
        self.fallback = fallback
        self._decoder = InlineDecoder(decoder) if isinstance(decoder, Engine) else decoder
        self._search = ""
        self._audio: list[Int16Array] = []
        self._caller = ("", "")
        # Audio chunks decoded, the grammar's words then, the decode, its ticket (0: not stopped).
        self._early: tuple[int, str, Future[str], int] | None = None
        self._spelled = False  # the caller spelled once: their address may be no candidate

    def reset(self) -> None:
        """Forget the last call."""
        self.abandon()
        self.fallback.reset()
        self._caller, self._spelled = ("", ""), False

    def set_hints(self, hints: list[str]) -> None:
        """Not passed on: Moonshine hears the address (from the caller's name and business,
        `set_caller`). Pocketsphinx's address grammar only ends a turn early here, or gives the
        words when a decode fails; rebuilding it for the hints held the process's lock for a
        quarter of a second, twice a call, and every call's audio waited."""

    def set_caller(self, name: str, business: str) -> None:
        """Once the caller's name and business are known, have their email search built (about
        a second, in the decoder process, long before the email turn)."""
        if (name, business) == self._caller or self._search:
            return
        self._caller = (name, business)
        if all(caller_key(name, business)):
            self._decoder.prepare(name, business)

    def begin(self, search: str) -> None:
        """Start an utterance. Pocketsphinx listens to every one: its running guess is what
        `partial` reads, so a turn whose words already answer the question ends early."""
        self.abandon()
        if search in NEURAL_SEARCHES:
            self._search = search
        elif search == grammars.SPELL and all(caller_key(*self._caller)) and not self._spelled:
            self._search = search  # the caller's first spelling: among their likely addresses
            try:
                self._decoder.prepare_spelling(*self._caller)  # built while they spell
            except Exception:  # the process is gone: `finish` decodes again (or says why not)
                log.warning("could not build the spelled-address search", exc_info=True)
        self.fallback.begin(search)

    def lead(self, pcm8k: Int16Array) -> None:
        """Audio from just before the turn's speech started (`vad.LEAD_FRAMES`). An address
        begins with the caller's name, often a soft sound the VAD hears late, and a clipped
        first sound makes it another address; a "yes" heard after noise becomes "no" or
        "could" more often, so other answers start where the VAD heard speech."""
        if self._search in (grammars.EMAIL, grammars.SPELL):
            self._audio.append(pcm8k.copy())

    def feed(self, pcm8k: Int16Array) -> None:
        if self._search:
            self._audio.append(pcm8k.copy())
            if self._early is not None and self._early[3]:  # spelling on: that search is moot
                self._drop_early()
        self.fallback.feed(pcm8k)

    def partial(self) -> str:
        return self.fallback.partial()

    def pause(self) -> None:
        """The caller paused: start decoding what they said so far. `finish` uses the result
        if no more audio came; otherwise it is dropped (a spelled address's search, half a
        second, is stopped as the caller goes on: `feed`)."""
        if not self._search or not self._audio:
            return
        spelling = self._search == grammars.SPELL
        if spelling and not self._decoder.stoppable:
            return
        if self._early is not None:
            if self._early[0] == len(self._audio):
                return
            self._drop_early()
        grammar = self.fallback.partial()
        try:
            ticket = self._decoder.ticket() if spelling else 0
            decode = self._submit(self._search, self._audio, grammar, ticket)
            self._early = (len(self._audio), grammar, decode, ticket)
        except Exception:  # the process is gone: `finish` decodes again (or says why not)
            self._early = None

    def _drop_early(self) -> None:
        if self._early is not None:
            _, _, decode, ticket = self._early
            if not decode.cancel() and ticket:
                self._decoder.stop(ticket)
            self._early = None

    def finish(self) -> str:
        """End the utterance and return the words recognised ("" when nothing matched)."""
        grammar = self.fallback.finish()
        if not self._search:
            return grammar
        search, audio, early = self._search, self._audio, self._early
        self._search, self._audio, self._early = "", [], None
        if search == grammars.SPELL and sum(map(len, audio)) * 2 >= LONG_SAMPLES:
            self._spelled = True
        try:
            if early is not None and early[0] == len(audio) and _same(search, early[1], grammar):
                return early[2].result(timeout=DECODE_TIMEOUT_S)
            return self._submit(search, audio, grammar).result(timeout=DECODE_TIMEOUT_S)
        except Exception as exc:  # the process died or hangs: this turn gets the grammar's words
            log.warning("Moonshine decode failed (%r); using the grammar's words", exc)
            self._decoder.restart()
            self._caller = ("", "")  # its email search went with the process
            return grammar

    def _submit(
        self, search: str, audio: list[Int16Array], grammar: str, ticket: int = 0
    ) -> Future[str]:
        pcm = np.concatenate(audio) if audio else np.zeros(0, np.int16)
        pcm16k = resample(pcm, 8000, 16000).astype(np.float32) / 32768
        if len(pcm16k) < MIN_SAMPLES:
            nothing: Future[str] = Future()
            nothing.set_result("")
            return nothing
        return self._decoder.decode(search, pcm16k, *self._caller, grammar, ticket)

    def abandon(self) -> None:
        self._drop_early()
        self._search, self._audio = "", []
        self.fallback.abandon()


def _same(search: str, before: str, after: str) -> bool:
    """Whether the grammar's words at the pause and at the end tell the decode the same: only
    the name search reads them (the whole name pocketsphinx heard)."""
    return search != grammars.NAME or nlu.parse_name(before) == nlu.parse_name(after)


class NeuralPool:
    """Neural recognisers around pocketsphinx ones from `asr.POOL`, each call pinned to one
    decoder process in turn."""

    def acquire(self) -> NeuralRecognizer:
        return NeuralRecognizer(POOL.acquire(), DECODERS.next())

    def release(self, recognizer: NeuralRecognizer) -> None:
        recognizer.abandon()
        POOL.release(recognizer.fallback)


NEURAL_POOL = NeuralPool()
