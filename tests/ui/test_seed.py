"""`python -m callcenter seed-demo` fills an empty dashboard, once."""

import pytest
from sqlmodel import Session, func, select

from callcenter.__main__ import main
from callcenter.config import Settings
from callcenter.db.models import Call, Lead, LeadNote, TranscriptTurn
from callcenter.db.session import get_engine


def _count(model: type) -> int:
    with Session(get_engine()) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_seed_demo_adds_calls_transcripts_and_leads_once(
    migrated: Settings, capsys: pytest.CaptureFixture[str]
):
    assert main(["seed-demo", "--calls", "40"]) == 0
    assert "added 40 demo calls" in capsys.readouterr().out
    assert _count(Call) == 40
    assert _count(TranscriptTurn) > 40
    assert _count(Lead) > 3
    assert _count(LeadNote) >= 0
    with Session(get_engine()) as session:
        linked = session.exec(select(Call).where(Call.lead_id.is_not(None))).all()  # type: ignore[union-attr]
        assert linked and all(c.answered_at and c.ended_at for c in linked)

    assert main(["seed-demo"]) == 0
    assert "already loaded" in capsys.readouterr().out
    assert _count(Call) == 40

    leads_before = _count(Lead)
    assert main(["seed-demo", "--force", "--calls", "5"]) == 0
    assert _count(Call) == 45
    assert _count(Lead) == leads_before or _count(Lead) <= 12  # same people: no duplicates


def test_seed_demo_help_explains_itself(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        main(["seed-demo", "--help"])
    out = capsys.readouterr().out
    assert "--calls" in out and "demo calls" in out
