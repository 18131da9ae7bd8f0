"""Recogniser-level accuracy on persona answers: name, business, email and spelled email.

    python -m bench.asr_probe --set heldout tuned     # --clean: no line; --denoise: Wiener filter
    python -m bench.asr_probe --set heldout --asr neural   # Moonshine for the open answers
    python -m bench.asr_probe --set heldout --asr neural --carry   # email from the name as heard

Renders each persona's answers as the simulated caller does (flite voices, espeak-ng
variants), passes them through the telephone line (300-3400 Hz band-pass, white noise at
20 dB SNR) and decodes each with the recogniser and the dialog state's search, as a call
would. The email is decoded with the hints a call gives it (the caller's name and business,
as heard correctly; `--carry`: as this run heard them, as in a call). Scores what the dialog
would keep: the parsed name, business, address. `--asr` picks the recogniser as `LOCAL_ASR`
does (grammar: pocketsphinx only; neural: Moonshine for name, business, need, email and the
caller's first spelled address).
Much faster than `bench.voice_accuracy` (no calls, no dialog), so it is the loop to tune in.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.denoise import Denoiser  # noqa: E402
from callcenter.sim.channel import telephone  # noqa: E402
from callcenter.sim.heldout import HELDOUT  # noqa: E402
from callcenter.sim.personas import PERSONAS, Persona  # noqa: E402
from callcenter.sim.speech import render  # noqa: E402
from callcenter.voice.providers.local import grammars  # noqa: E402
from callcenter.voice.providers.local import understanding as u  # noqa: E402
from callcenter.voice.providers.local.asr import Recognizer  # noqa: E402
from callcenter.voice.providers.local.audio import Int16Array, ulaw_to_pcm  # noqa: E402
from callcenter.voice.providers.local.recognizers import SpeechRecognizer  # noqa: E402

SETS: dict[str, dict[str, Persona]] = {"tuned": PERSONAS, "heldout": HELDOUT}
FIELDS = ("name", "business", "email", "spell")
SEARCH = {
    "name": grammars.NAME,
    "business": grammars.BUSINESS,
    "email": grammars.EMAIL,
    "spell": grammars.SPELL,
}


def _hints(persona: Persona) -> list[str]:
    names = persona.name.lower().split()
    trade = [w for w in persona.business.lower().split() if len(w) > 2]
    words = names + trade + [grammars.plural(w) for w in trade]
    return list(dict.fromkeys(w for w in words if w.isalpha()))


def _right(field: str, persona: Persona, heard: str) -> bool:
    if field == "name":
        return u.parse_name(heard).lower() == persona.name.lower()
    if field == "business":
        return u.parse_business(heard) == persona.business
    if field == "email":
        return u.parse_email(heard)[0] == persona.email
    return u.parse_spelled(heard)[0] == persona.email


def denoised(denoiser: Denoiser, pcm: Int16Array) -> Int16Array:
    """`pcm` through the Wiener filter, 20 ms at a time as a call would feed it."""
    parts = [denoiser.process(pcm[start : start + 160]) for start in range(0, len(pcm), 160)]
    return np.concatenate([*parts, denoiser.flush()])


def decode(
    recognizer: SpeechRecognizer, search: str, ulaw: bytes, denoiser: Denoiser | None = None
) -> tuple[str, float]:
    """The words heard and the milliseconds `finish` took (the end-of-turn cost)."""
    pcm = ulaw_to_pcm(ulaw)
    if denoiser is not None:
        pcm = denoised(denoiser, pcm)
    recognizer.begin(search)
    for start in range(0, len(pcm), 160):
        recognizer.feed(pcm[start : start + 160])
    started = time.perf_counter()
    heard = recognizer.finish()
    return heard, (time.perf_counter() - started) * 1000


def recognizer_for(asr: str) -> SpeechRecognizer:
    if asr == "neural":
        from callcenter.voice.providers.local.neural_asr import NeuralRecognizer, engine

        return NeuralRecognizer(Recognizer(), engine())
    return Recognizer()


def probe(
    personas: dict[str, Persona],
    clean: bool,
    verbose: bool,
    denoise: bool = False,
    asr: str = "grammar",
    carry: bool = False,
) -> dict[str, float]:
    recognizer = recognizer_for(asr)
    denoiser = Denoiser() if denoise else None
    right = dict.fromkeys(FIELDS, 0)
    finish_ms: list[float] = []
    field_ms: dict[str, list[float]] = {field: [] for field in FIELDS}
    decode_s = 0.0
    audio_s = 0.0
    for persona in personas.values():
        recognizer.reset()
        heard_as = {"name": persona.name, "business": persona.business}
        if denoiser is not None:
            denoiser.reset()  # a new line
        for field in FIELDS:
            audio = render(persona.answer(field), persona.voice)
            if not clean:
                audio = telephone(audio)
            recognizer.set_hints(_hints(persona) if field == "email" else [])
            if field == "email":
                recognizer.set_caller(heard_as["name"], heard_as["business"])
            started = time.perf_counter()
            heard, ms = decode(recognizer, SEARCH[field], audio, denoiser)
            decode_s += time.perf_counter() - started
            audio_s += len(audio) / 8000
            finish_ms.append(ms)
            field_ms[field].append(ms)
            if carry and field == "name":
                heard_as["name"] = u.parse_name(heard)
            elif carry and field == "business":
                heard_as["business"] = u.parse_business(heard)
            ok = _right(field, persona, heard)
            right[field] += ok
            if verbose and not ok:
                print(f"  {persona.key:9} {field:8} {persona.answer(field)!r} -> {heard!r}")
    scores = {field: right[field] / len(personas) for field in FIELDS}
    scores["finish_p95_ms"] = statistics.quantiles(finish_ms, n=20)[18]
    scores["rtf"] = decode_s / audio_s
    for field, values in field_ms.items():
        scores[f"{field}_p50_ms"] = statistics.median(values)
        scores[f"{field}_p95_ms"] = statistics.quantiles(values, n=20)[18]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", nargs="+", choices=sorted(SETS), default=["heldout"])
    parser.add_argument("--clean", action="store_true", help="no telephone line")
    parser.add_argument("--denoise", action="store_true", help="Wiener filter before decoding")
    parser.add_argument("--asr", choices=["grammar", "neural"], default="grammar")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    help_ = "the email search from the name and business as heard, not as said"
    parser.add_argument("--carry", action="store_true", help=help_)
    args = parser.parse_args()
    line = ("clean" if args.clean else "line 20 dB") + (", denoised" if args.denoise else "")
    line += f", {args.asr}" + (", name and business as heard" if args.carry else "")
    for name in args.set:
        scores = probe(SETS[name], args.clean, args.verbose, args.denoise, args.asr, args.carry)
        fields = "  ".join(f"{f} {scores[f]:.0%}" for f in FIELDS)
        print(
            f"{name} ({line}): {fields}  finish p95 {scores['finish_p95_ms']:.0f} ms"
            f"  decode {scores['rtf']:.2f}x real time",
            flush=True,
        )
        each = (f"{f} {scores[f + '_p50_ms']:.0f}/{scores[f + '_p95_ms']:.0f}" for f in FIELDS)
        print(f"  finish ms p50/p95: {', '.join(each)}", flush=True)


if __name__ == "__main__":
    main()
