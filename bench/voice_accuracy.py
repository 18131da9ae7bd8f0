"""Offline voice engine accuracy: persona calls through the whole stack, scored per lead field.

    python -m bench.voice_accuracy --set heldout tuned --concurrency 1 4

Serves the core (simulated carrier, local voice engine, SQLite in a temp dir) and places one
inbound call per persona: flite voices and espeak-ng variants speak the persona's answers
through a telephone line (300-3400 Hz band-pass, white noise at 20 dB SNR that goes on between
their words). The agent's questions are recognised from its audio, so the caller answers what
was actually asked, and says no to a read-back of an address that is not theirs.
Reports, per persona set and concurrency, the share of calls whose stored lead has the right
name, email, business type, need (>= 60 % of its words) and phone, and the turn latency
(the caller's last speech → the agent's first audio) p50/p95 over every answer.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callcenter.sim.channel import NoisyLine, telephone  # noqa: E402
from callcenter.sim.heldout import HELDOUT  # noqa: E402
from callcenter.sim.persona_calls import FIELDS, CallResult, accuracy, run_persona_calls  # noqa: E402
from callcenter.sim.personas import PERSONAS, Persona  # noqa: E402
from callcenter.sim.speech import render  # noqa: E402

SETS: dict[str, dict[str, Persona]] = {"tuned": PERSONAS, "heldout": HELDOUT}
TARGETS = {"name": 0.8, "email": 0.7, "business_type": 0.9}
TARGET_P95_MS = 600.0


def _environment(tmp: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "API_TOKEN": "bench-token",
            "ADMIN_EMAIL": "admin@example.com",
            "ADMIN_PASSWORD": "bench-password-1",
            "BACKGROUND_WORKERS": "false",
            "CALLING_HOURS": "00:00-24:00",
            "CARRIER": "simulator",
            "VOICE_ENGINE": "local",
            "COMPANY_NAME": "Acme Answering",
        }
    )


def _prerender(personas: dict[str, Persona], snr_db: float | None) -> None:
    """Synthesise every answer before the calls, so rendering is not measured."""
    for persona in personas.values():
        for question in ("name", "business", "need", "email", "confirm", "spell", "phone"):
            audio = render(persona.answer(question), persona.voice)
            if snr_db is not None:
                telephone(audio, snr_db)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _row(label: str, results: list[CallResult], seconds: float) -> dict[str, object]:
    scores = accuracy(results)
    gaps = [g for r in results if r.caller for g in r.caller.turn_gaps_ms]
    by_kind: dict[str, list[float]] = {}
    for r in results:
        if r.caller:
            for kind, gap in zip(r.caller.turn_kinds, r.caller.turn_gaps_ms, strict=True):
                by_kind.setdefault(kind, []).append(gap)
    return {
        "run": label,
        **{f: round(scores.get(f, 0.0), 3) for f in FIELDS},
        "turns": len(gaps),
        "p50_ms": round(statistics.median(gaps)) if gaps else None,
        "p95_ms": round(_percentile(gaps, 0.95)) if gaps else None,
        "seconds": round(seconds),
        "by_kind": {  # which answers the slow turns follow
            kind: [len(g), round(statistics.median(g)), round(_percentile(g, 0.95))]
            for kind, g in sorted(by_kind.items())
        },
        "misses": {
            r.persona.key: {f: r.lead.get(f, "") for f, ok in r.correct.items() if not ok}
            for r in results
            if not all(r.correct.values())
        },
    }


async def _run(
    names: list[str], personas: dict[str, Persona], concurrency: int, snr_db: float | None
) -> tuple[list[CallResult], float]:
    from callcenter.api import create_api
    from callcenter.config import get_settings
    from callcenter.db.migrate import upgrade_to_head
    from tests.support.app_server import serve_in_thread
    from tests.support.servers import free_port

    port = free_port()
    os.environ["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    get_settings.cache_clear()
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    line = NoisyLine(snr_db) if snr_db is not None else None
    if settings.local_asr == "neural":  # as a server does long before its first call
        from callcenter.voice.providers.local.neural_worker import DECODERS

        for ready in DECODERS.warm_up():
            ready.result()
    began = time.monotonic()
    with serve_in_thread(create_api(settings), port=port):
        results = await run_persona_calls(
            settings,
            names,
            concurrency=concurrency,
            personas=personas,
            line=line,
            check_read_back=True,
        )
    return results, time.monotonic() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", nargs="+", choices=sorted(SETS), default=["heldout", "tuned"])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--snr", type=float, default=20.0, help="noise level, dB below speech")
    parser.add_argument("--clean", action="store_true", help="no telephone band-pass or noise")
    parser.add_argument("--only", default="", help="comma-separated persona keys")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args()
    snr_db = None if args.clean else args.snr
    _environment(tempfile.mkdtemp(prefix="voice-accuracy-"))
    rows = []
    line = "clean" if snr_db is None else f"phone band, {snr_db:g} dB SNR"
    print(f"cpus={os.cpu_count()}  line={line}")  # noqa: T201
    for set_name in args.set:
        personas = SETS[set_name]
        names = [n for n in personas if not args.only or n in args.only.split(",")]
        _prerender({n: personas[n] for n in names}, snr_db)
        for concurrency in args.concurrency:
            results, seconds = asyncio.run(_run(names, personas, concurrency, snr_db))
            row = _row(f"{set_name} x{concurrency}", results, seconds)
            rows.append(row)
            _print(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


def _print(row: dict[str, object]) -> None:
    fields = "  ".join(f"{f} {float(row[f]):4.0%}" for f in FIELDS)  # type: ignore[arg-type]
    print(  # noqa: T201
        f"{row['run']:<12} {fields}  turn p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms"
        f"  ({row['turns']} turns, {row['seconds']} s)"
    )
    kinds = row["by_kind"].items()  # type: ignore[attr-defined]
    print("    turns after", ", ".join(f"{k} {n}: {p50}/{p95} ms" for k, (n, p50, p95) in kinds))  # noqa: T201
    for key, wrong in row["misses"].items():  # type: ignore[attr-defined]
        print(f"    {key:10} {wrong}")  # noqa: T201
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
