"""How far Moonshine (neural ASR, one thread) gets on persona answers, with census-name search.

    python -m bench.moonshine --set heldout tuned --model tiny base      # 20 dB line and clean
    python -m bench.moonshine --set heldout --model base --line -v       # one condition, misses

Renders each persona's answers as the simulated caller does (flite voices, espeak-ng
variants), clean or through the telephone line (300-3400 Hz band-pass, white noise at 20 dB
SNR), resamples to 16 kHz and scores:
- name, greedy: the persona's name appears in the greedy transcript;
- name, snapped: the greedy words snapped to the nearest census names (`Snapper`);
- name, constrained: the decoder's beam search over census names (`NameSearch`);
- email, spell: the greedy transcript parsed as a spoken / spelled address;
- business: the longest business type of the vocabulary in the greedy transcript, right when
  it is the persona's or files under the same NAICS industry;
- business_search: the decoder's beam search over every business type after everyday
  openings ("We run a ...", `PhraseSearch`), scored the same way.
Times are per utterance on one thread: encoder + greedy decoding, and encoder + name search.
The models and tokenizer must be fetched first:
`python -m callcenter.voice.providers.local.neural_model fetch`.
"""

import argparse
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.moonshine_names import Snapper  # noqa: E402
from callcenter.sim.channel import telephone  # noqa: E402
from callcenter.sim.heldout import HELDOUT  # noqa: E402
from callcenter.sim.personas import PERSONAS, Persona  # noqa: E402
from callcenter.sim.speech import render  # noqa: E402
from callcenter.voice.providers.local import understanding as u  # noqa: E402
from callcenter.voice.providers.local.audio import resample, ulaw_to_pcm  # noqa: E402
from callcenter.voice.providers.local.business_types import BY_NAICS  # noqa: E402
from callcenter.voice.providers.local.neural_email import EmailSearch  # noqa: E402
from callcenter.voice.providers.local.neural_model import SIZES, Moonshine  # noqa: E402
from callcenter.voice.providers.local.neural_search import (  # noqa: E402
    NameSearch,
    PhraseSearch,
    business_sentences,
)

SETS: dict[str, dict[str, Persona]] = {"tuned": PERSONAS, "heldout": HELDOUT}
SCORES = (
    "greedy",
    "snapped",
    "constrained",
    "email",
    "email_search",
    "spell",
    "business",
    "business_search",
)
_CODE = {name: code for code, names in BY_NAICS.items() for name in names}


def words(text: str) -> str:
    """Lower case, letters, digits, '@' and '.' kept as words, everything else a space."""
    text = text.lower().replace("@", " at ")
    text = re.sub(r"(?<=[a-z0-9])\.(?=[a-z0-9])", " dot ", text)
    text = re.sub(r"(?<=\b[a-z])-(?=[a-z]\b)", " ", text)  # "b-r-e-n-d-a"
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text).split())


def email_from(transcript: str) -> str:
    return u.parse_email(words(transcript))[0]


def spelled_from(transcript: str) -> str:
    return u.parse_spelled(words(transcript))[0]


def business_from(transcript: str) -> str:
    heard = f" {words(transcript)} "
    found = [name for name in _CODE if f" {name} " in heard]
    return max(found, key=len, default="")


def business_right(persona: Persona, heard: str) -> bool:
    return heard == persona.business or (
        heard in _CODE and _CODE[heard] == _CODE.get(persona.business)
    )


def audio(persona: Persona, field: str, line: bool) -> np.ndarray:
    """The answer to `field` as 16 kHz float samples."""
    ulaw = render(persona.answer(field), persona.voice)
    if line:
        ulaw = telephone(ulaw)
    return resample(ulaw_to_pcm(ulaw), 8000, 16000).astype(np.float32) / 32768


@dataclass
class Engines:
    model: Moonshine
    names: NameSearch
    businesses: PhraseSearch
    emails: EmailSearch
    snapper: Snapper


@dataclass
class Tally:
    verbose: bool
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SCORES, 0))
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def score(self, key: str, ok: bool, shown: str) -> None:
        self.right[key] += ok
        if self.verbose and not ok:
            print(f"  {key:15} {shown}")

    def clock(self, key: str, seconds: float) -> None:
        self.times[key].append(seconds)


def _name(e: Engines, persona: Persona, pcm: np.ndarray, tally: Tally) -> None:
    started = time.perf_counter()
    hidden = e.model.encode(pcm)
    encoded = time.perf_counter()
    greedy = e.model.transcribe(pcm, hidden)
    decoded = time.perf_counter()
    constrained = e.names.best(hidden)[0]
    searched = time.perf_counter()
    snapped = e.snapper.snap(greedy)
    tally.clock("snap", time.perf_counter() - searched)
    tally.clock("greedy", decoded - started)
    tally.clock("name search", searched - decoded + encoded - started)
    want = persona.name.lower()
    said = f"{persona.name!r}: {greedy!r}"
    tally.score("greedy", want in words(greedy), said)
    tally.score("snapped", snapped.lower() == want, f"{said} -> {snapped!r}")
    tally.score("constrained", constrained.lower() == want, f"{said} -> {constrained!r}")


def _email(e: Engines, persona: Persona, pcm: np.ndarray, tally: Tally) -> None:
    started = time.perf_counter()
    hidden = e.model.encode(pcm)
    encoded = time.perf_counter()
    transcript = e.model.transcribe(pcm, hidden)
    tally.clock("greedy", time.perf_counter() - started)
    search = e.emails.prepare(persona.name, persona.business)  # once per call, not timed
    searching = time.perf_counter()
    chosen = e.emails.best(search, hidden)[0]
    tally.clock("email search", time.perf_counter() - searching + encoded - started)
    heard = email_from(transcript)
    said = f"{persona.email!r}: {transcript!r}"
    tally.score("email", heard == persona.email, f"{said} -> {heard!r}")
    tally.score("email_search", chosen == persona.email, f"{said} -> {chosen!r}")


def _spell(e: Engines, persona: Persona, pcm: np.ndarray, tally: Tally) -> None:
    started = time.perf_counter()
    transcript = e.model.transcribe(pcm)
    tally.clock("greedy", time.perf_counter() - started)
    heard = spelled_from(transcript)
    tally.score("spell", heard == persona.email, f"{transcript!r} -> {heard!r}")


def _business(e: Engines, persona: Persona, pcm: np.ndarray, tally: Tally) -> None:
    started = time.perf_counter()
    hidden = e.model.encode(pcm)
    encoded = time.perf_counter()
    transcript = e.model.transcribe(pcm, hidden)
    decoded = time.perf_counter()
    chosen = e.businesses.best(hidden)[0]
    tally.clock("greedy", decoded - started)
    tally.clock("business search", time.perf_counter() - decoded + encoded - started)
    heard = business_from(transcript)
    said = f"{persona.business!r}: {transcript!r}"
    tally.score("business", business_right(persona, heard), f"{said} -> {heard!r}")
    tally.score("business_search", business_right(persona, chosen), f"{said} -> {chosen!r}")


FIELDS = {"name": _name, "email": _email, "spell": _spell, "business": _business}


def probe(
    engines: Engines, personas: dict[str, Persona], line: bool, verbose: bool
) -> tuple[dict[str, float], dict[str, list[float]]]:
    tally = Tally(verbose)
    for persona in personas.values():
        for field_name, score in FIELDS.items():
            score(engines, persona, audio(persona, field_name, line), tally)
    return {key: tally.right[key] / len(personas) for key in SCORES}, tally.times


def _ms(values: list[float]) -> str:
    p95 = statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]
    return f"p50 {statistics.median(values) * 1000:.0f} / p95 {p95 * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", nargs="+", choices=sorted(SETS), default=["heldout"])
    parser.add_argument("--model", nargs="+", choices=sorted(SIZES), default=["base"])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--line", action="store_true", help="only the 20 dB telephone line")
    group.add_argument("--clean", action="store_true", help="only clean audio")
    parser.add_argument("--beam", type=int, default=12)
    parser.add_argument("--prior-weight", type=float, default=0.5)
    parser.add_argument("--first-names", type=int, default=6000, help="how many, most common")
    parser.add_argument("--last-names", type=int, default=20000, help="how many, most common")
    parser.add_argument(
        "--bpe-only",
        action="store_true",
        help="searches follow only the segmentation BPE picks, not every way to spell an entry",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    lines = [True] if args.line else [False] if args.clean else [True, False]
    snapper = Snapper(args.first_names, args.last_names)
    every = not args.bpe_only
    for size in args.model:
        model = Moonshine(size)
        engines = Engines(
            model,
            NameSearch(
                model, args.first_names, args.last_names, args.beam, args.prior_weight, every
            ),
            PhraseSearch(model, business_sentences(), every=every),
            EmailSearch(model, every=every),
            snapper,
        )
        for name in args.set:
            for line in lines:
                scores, times = probe(engines, SETS[name], line, args.verbose)
                shown = "  ".join(f"{key} {scores[key]:.0%}" for key in SCORES)
                timing = "; ".join(f"{key} {_ms(values)}" for key, values in times.items())
                condition = "line 20 dB" if line else "clean"
                print(f"{size} {name} ({condition}): {shown}\n  {timing}", flush=True)


if __name__ == "__main__":
    main()
