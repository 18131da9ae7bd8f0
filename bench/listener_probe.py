"""Answers heard through the listener (turn detection, then recognition), as a call hears them.

    python -m bench.listener_probe replies --asr neural grammar   # yes/no replies, 24 voices
    python -m bench.listener_probe fields --asr neural            # held-out name, business, email

Each answer is rendered in a held-out persona's voice and fed frame by frame, with silence
around it, to a `Listener` in the dialog state's search: what a call's engine does, minus the
dialog. `--noise throughout` puts the telephone line's noise on the silence too (a phone line);
`--noise speech` only on the answer (silence around: noise starts with the caller). `replies`
scores five yes/no replies per voice as the dialog reads them; `fields` the name, business and
email of each held-out persona (the email with the caller's name and business as said).
`bench.asr_probe` decodes whole clips without turn detection; the difference between the two
is what the turn detector costs.
"""

import argparse
import base64
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callcenter.sim.channel import telephone  # noqa: E402
from callcenter.sim.heldout import HELDOUT  # noqa: E402
from callcenter.sim.speech import render  # noqa: E402
from callcenter.voice.providers.local import grammars  # noqa: E402
from callcenter.voice.providers.local import understanding as u  # noqa: E402
from callcenter.voice.providers.local.listener import Listener  # noqa: E402
from callcenter.voice.providers.local.recognizers import RecognizerPool, pool_for  # noqa: E402

REPLIES = [
    ("yes", True),
    ("no", False),
    ("yes that's right", True),
    ("no that's wrong", False),
    ("yeah", True),
]
QUIET = b"\xff" * 4000  # half a second


def heard(
    pool: RecognizerPool,
    search: str,
    said: str,
    voice: str,
    noise: str,
    caller: tuple[str, str] = ("", ""),
) -> str:
    """The words of the last turn the listener heard in `said` ("" when no turn)."""
    speech = render(said, voice)
    if noise == "throughout":
        audio = telephone(QUIET + speech + QUIET * 3)
    else:
        audio = QUIET + telephone(speech) + QUIET * 3
    recognizer = pool.acquire()
    try:
        listener = Listener(recognizer, pool)
        listener.search, listener.caller = search, caller
        texts = [
            h.text
            for start in range(0, len(audio), 160)
            for h in listener.process([base64.b64encode(audio[start : start + 160]).decode()])
            if h.kind == "stopped"
        ]
    finally:
        pool.release(recognizer)
    return texts[-1] if texts else ""


def replies(pool: RecognizerPool, noise: str) -> None:
    total = 0
    for said, yes in REPLIES:
        wrong = []
        for persona in HELDOUT.values():
            text = heard(pool, grammars.YESNO, said, persona.voice, noise)
            if u.yes_or_no(text) is not yes:
                wrong.append(f"{persona.voice}: {text!r}")
        total += len(HELDOUT) - len(wrong)
        print(f"  {said!r:20} {len(HELDOUT) - len(wrong)}/{len(HELDOUT)}  {wrong[:4]}")  # noqa: T201
    print(f"  all replies {total}/{len(HELDOUT) * len(REPLIES)}")  # noqa: T201


def fields(pool: RecognizerPool, noise: str) -> None:
    right = {"name": 0, "business": 0, "email": 0}
    for persona in HELDOUT.values():
        caller = (persona.name, persona.business)
        got = {
            "name": u.parse_name(
                heard(pool, grammars.NAME, persona.answer("name"), persona.voice, noise)
            ),
            "business": u.parse_business(
                heard(pool, grammars.BUSINESS, persona.answer("business"), persona.voice, noise)
            ),
            "email": u.parse_email(
                heard(pool, grammars.EMAIL, persona.answer("email"), persona.voice, noise, caller)
            )[0],
        }
        want = {"name": persona.name, "business": persona.business, "email": persona.email}
        misses = {f: got[f] for f in right if got[f].lower() != want[f].lower()}
        for field in right:
            right[field] += field not in misses
        print(f"  {persona.key:10} {misses or 'all right'}")  # noqa: T201
    print("  " + "  ".join(f"{f} {n}/{len(HELDOUT)}" for f, n in right.items()))  # noqa: T201


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["replies", "fields"])
    parser.add_argument("--asr", nargs="+", choices=["neural", "grammar"], default=["neural"])
    parser.add_argument("--noise", choices=["throughout", "speech"], default="throughout")
    args = parser.parse_args()
    for asr in args.asr:
        print(f"{args.what}, LOCAL_ASR={asr}, noise {args.noise}:")  # noqa: T201
        (replies if args.what == "replies" else fields)(pool_for(asr), args.noise)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
