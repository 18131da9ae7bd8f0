"""A large, deterministic call history for the list-query benchmark, inserted in bulk."""

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

OUR_NUMBER = "+14155550100"
FIRST = ["Ana", "Ben", "Carla", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jon", "Kemal"]
LAST = ["Silva", "Okafor", "Nguyen", "Schmidt", "Haddad", "Moreau", "Kowalski", "Tanaka"]
BUSINESSES = ["roofing", "dental clinic", "bakery", "law firm", "plumbing", "gym", "florist"]
NEEDS = [
    "more inbound leads from the website",
    "a receptionist for after-hours calls",
    "booking appointments by phone",
    "following up on quotes",
]
LINES = [
    ("assistant", "Thanks for calling, this call may be recorded. How can I help you today?"),
    ("user", "Hi, I run a small {business} and I'm looking into {need}."),
    ("assistant", "Happy to help. May I have your name and the best email to reach you?"),
    ("user", "Sure, it's {name}, and my email is {email}."),
    ("assistant", "Thank you {first}, someone from our team will call you back tomorrow."),
]
# Calls carry these statuses in these proportions (a realistic mix: mostly completed).
STATUSES = [("completed", 80), ("no-answer", 8), ("busy", 5), ("failed", 4), ("canceled", 3)]
LEAD_STATUSES = [("new", 50), ("contacted", 25), ("qualified", 12), ("won", 6), ("lost", 7)]
# A word that only a few transcripts contain, for the "rare match" search.
RARE_WORD = "saxophone"
RARE_EVERY = 5000


def phone(i: int) -> str:
    return f"+1{212 + i % 700:03d}{(i * 7919) % 10_000_000:07d}"


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class History:
    """`calls` calls (a fifth linked to one of `leads` leads), `turns` transcript turns each."""

    def __init__(self, *, calls: int, leads: int, turns: int, seed: int = 13) -> None:
        self.calls, self.leads, self.turns = calls, leads, turns
        self.seed = seed
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def lead_rows(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.seed)
        for i in range(1, self.leads + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            created = self.now - timedelta(seconds=rng.randrange(365 * 86400))
            yield {
                "id": i,
                "name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}{i}@example.com",
                "phone": phone(i),
                "business_type": rng.choice(BUSINESSES),
                "need": rng.choice(NEEDS),
                "status": _weighted(rng, LEAD_STATUSES),
                "source_call_id": None,
                "created_at": created,
                "updated_at": created,
                "status_changed_at": created,
            }

    def call_rows(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.seed + 1)
        for i in range(1, self.calls + 1):
            inbound = rng.random() < 0.6
            lead_id = rng.randrange(1, self.leads + 1) if self.leads and i % 5 == 0 else None
            other = phone(lead_id) if lead_id else phone(100_000 + i)
            started = self.now - timedelta(seconds=rng.randrange(365 * 86400))
            status = _weighted(rng, STATUSES)
            seconds = rng.randrange(20, 400) if status == "completed" else None
            yield {
                "id": i,
                "call_sid": f"CA{i:032x}",
                "direction": "inbound" if inbound else "outbound",
                "from_number": other if inbound else OUR_NUMBER,
                "to_number": OUR_NUMBER if inbound else other,
                "status": status,
                "lead_id": lead_id,
                "started_at": started,
                "answered_at": started if seconds else None,
                "ended_at": started + timedelta(seconds=seconds or 30),
                "duration_seconds": seconds,
                "updated_at": started,
                "outcome": rng.choice(["interested", "not_interested", None]),
            }

    def turn_rows(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.seed + 2)
        for call_id in range(1, self.calls + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            values = {
                "business": rng.choice(BUSINESSES),
                "need": rng.choice(NEEDS),
                "name": f"{first} {last}",
                "first": first,
                "email": f"{first.lower()}@example.com",
            }
            started = self.now - timedelta(seconds=rng.randrange(365 * 86400))
            for n in range(self.turns):
                role, line = LINES[n % len(LINES)]
                words = line.format(**values)
                if n == 1 and call_id % RARE_EVERY == 0:
                    words += f" I also teach {RARE_WORD}."
                yield {
                    "call_id": call_id,
                    "turn_key": f"t{n}",
                    "role": role,
                    "text": words,
                    "interrupted": False,
                    "started_at": started + timedelta(seconds=4 * n),
                    "created_at": started + timedelta(seconds=4 * n),
                }

    def fill(self, engine: Engine, *, batch: int = 5000) -> float:
        """Insert everything; returns the seconds it took."""
        from callcenter.db.models import Call, Lead, TranscriptTurn

        began = time.perf_counter()
        for table, rows in (
            (Lead.__table__, self.lead_rows()),  # type: ignore[attr-defined]
            (Call.__table__, self.call_rows()),  # type: ignore[attr-defined]
            (TranscriptTurn.__table__, self.turn_rows()),  # type: ignore[attr-defined]
        ):
            for chunk in _chunks(rows, batch):
                with engine.begin() as conn:
                    conn.execute(table.insert(), chunk)
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                for name in ("leads", "calls", "transcript_turns"):
                    conn.execute(
                        text(f"SELECT setval('{name}_id_seq', (SELECT max(id) FROM {name}))")
                    )
                conn.execute(text("ANALYZE"))
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:  # VACUUM runs outside a transaction
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        return time.perf_counter() - began
