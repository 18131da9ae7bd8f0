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
The models and tokenizer are fetched into `var/models/moonshine/` on first use.
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.moonshine_model import SIZES, Moonshine  # noqa: E402
from bench.moonshine_names import NameSearch, Snapper  # noqa: E402
from bench.moonshine_phrases import PhraseSearch, business_sentences  # noqa: E402
from callcenter.sim.channel import telephone  # noqa: E402
from callcenter.sim.heldout import HELDOUT  # noqa: E402
from callcenter.sim.personas import PERSONAS, Persona  # noqa: E402
from callcenter.sim.speech import render  # noqa: E402
from callcenter.voice.providers.local import understanding as u  # noqa: E402
from callcenter.voice.providers.local.audio import resample, ulaw_to_pcm  # noqa: E402
from callcenter.voice.providers.local.business_types import BY_NAICS  # noqa: E402

SETS: dict[str, dict[str, Persona]] = {"tuned": PERSONAS, "heldout": HELDOUT}
SCORES = ("greedy", "snapped", "constrained", "email", "spell", "business", "business_search")
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


def probe(
    model: Moonshine,
    search: NameSearch,
    businesses: PhraseSearch,
    snapper: Snapper,
    personas: dict[str, Persona],
    line: bool,
    verbose: bool,
) -> tuple[dict[str, float], dict[str, list[float]]]:
    right = dict.fromkeys(SCORES, 0)
    times: dict[str, list[float]] = {"greedy": [], "constrained": [], "snap": [], "business": []}
    for persona in personas.values():
        pcm = audio(persona, "name", line)
        started = time.perf_counter()
        hidden = model.encode(pcm)
        encoded = time.perf_counter()
        greedy = model.transcribe(pcm, hidden)
        decoded = time.perf_counter()
        constrained = search.best(hidden)[0]
        searched = time.perf_counter()
        snapped = snapper.snap(greedy)
        times["snap"].append(time.perf_counter() - searched)
        times["greedy"].append(decoded - started)
        times["constrained"].append(searched - decoded + encoded - started)
        want = persona.name.lower()
        heard = {
            "greedy": want in words(greedy),
            "snapped": snapped.lower() == want,
            "constrained": constrained.lower() == want,
        }
        for key, ok in heard.items():
            right[key] += ok
        if verbose and not all(heard.values()):
            print(f"  {persona.key:9} {greedy!r} snapped {snapped!r} search {constrained!r}")
        for field, parse in (("email", email_from), ("spell", spelled_from)):
            started = time.perf_counter()
            transcript = model.transcribe(audio(persona, field, line))
            times["greedy"].append(time.perf_counter() - started)
            ok = parse(transcript) == persona.email
            right[field] += ok
            if verbose and not ok:
                print(f"  {persona.key:9} {field:8} {transcript!r} -> {parse(transcript)!r}")
        pcm = audio(persona, "business", line)
        started = time.perf_counter()
        hidden = model.encode(pcm)
        encoded = time.perf_counter()
        transcript = model.transcribe(pcm, hidden)
        decoded = time.perf_counter()
        chosen = businesses.best(hidden)[0]
        times["greedy"].append(decoded - started)
        times["business"].append(time.perf_counter() - decoded + encoded - started)
        ok = business_right(persona, business_from(transcript))
        right["business"] += ok
        right["business_search"] += business_right(persona, chosen)
        if verbose and not (ok and business_right(persona, chosen)):
            found = business_from(transcript)
            print(f"  {persona.key:9} business {transcript!r} -> {found!r} search {chosen!r}")
    return {key: right[key] / len(personas) for key in SCORES}, times


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
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    lines = [True] if args.line else [False] if args.clean else [True, False]
    snapper = Snapper(args.first_names, args.last_names)
    for size in args.model:
        model = Moonshine(size)
        search = NameSearch(model, args.first_names, args.last_names, args.beam, args.prior_weight)
        businesses = PhraseSearch(model, business_sentences())
        for name in args.set:
            for line in lines:
                scores, times = probe(
                    model, search, businesses, snapper, SETS[name], line, args.verbose
                )
                shown = "  ".join(f"{key} {scores[key]:.0%}" for key in SCORES)
                print(
                    f"{size} {name} ({'line 20 dB' if line else 'clean'}): {shown}\n"
                    f"  greedy {_ms(times['greedy'])}; name search {_ms(times['constrained'])};"
                    f" snap {_ms(times['snap'])}; business search {_ms(times['business'])}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
