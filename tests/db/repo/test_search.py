"""List search through the indexes finds exactly what a scan of every row finds."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from callcenter.config import Settings
from callcenter.db.models import Call, CallDirection, Lead, TranscriptTurn
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import leads as leads_repo
from callcenter.db.repo.calls import as_id
from callcenter.db.session import session_scope

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LEADS = [
    ("Grace Liu", "grace@liu.example", "+13125550177", "Tax help", "quarterly tax help"),
    ("Ángel Núñez", "angel@example.com", "+34911234567", "café", "more bookings"),
    ('Jo "JJ" Park', "jj_park@example.com", "+14155550188", "100% roofing", None),
    (None, None, "+12025550100", None, None),
]
TURNS = [
    "Hello, I need tax help with my café.",
    'We do 100% of our bookings by phone, say "hi" to Jo.',
    "call me on 415 555 0188 please",
    "MIXED Case Words and ünïcode",
]
NEEDLES = [
    "grace",
    "GRACE",
    "Liu",
    "tax help",
    "tax",
    "ax",
    "a",
    "x",
    "é",
    "café",
    "ünïcode",
    "+13125550177",
    "3125550177",
    "312 555 0177",
    "555-0188",
    "0188",
    "+1",
    "415",
    "%",
    "100%",
    "_",
    "jj_",
    "j_park",
    'say "hi"',
    '"',
    "zzzz",
    "example.com",
    "2",
    "3",
    "  grace  ",
    "mixed case",
    "bookings",
    "grace\x1fliu",
    "liu.example",
]


def _fill(session: Session) -> None:
    leads = []
    for i, (name, email, phone, business, need) in enumerate(LEADS):
        lead = Lead(
            name=name,
            email=email,
            phone=phone,
            business_type=business,
            need=need,
            created_at=T0 + timedelta(hours=i),
        )
        session.add(lead)
        leads.append(lead)
    session.flush()
    for i in range(12):
        lead = leads[i % len(leads)] if i % 3 else None
        call = Call(
            direction=CallDirection.inbound if i % 2 else CallDirection.outbound,
            from_number=lead.phone if lead and lead.phone else f"+1312555{1000 + i}",
            to_number="+14155550100",
            lead_id=lead.id if lead else None,
            started_at=T0 + timedelta(minutes=i),
        )
        session.add(call)
        session.flush()
        assert call.id is not None
        text = TURNS[i % len(TURNS)]
        session.add(TranscriptTurn(call_id=call.id, turn_key="t0", role="user", text=text))
    session.flush()


def _scan_calls(session: Session, q: str) -> list[int]:
    """Every call matching `q` by evaluating each row (the search without indexes)."""
    needle = f"%{q.strip().lower()}%"
    digits = "".join(ch for ch in q if ch.isdigit())
    lead_ids = select(Lead.id).where(
        or_(col(Lead.name).ilike(needle), col(Lead.email).ilike(needle))
    )
    turn_calls = select(TranscriptTurn.call_id).where(col(TranscriptTurn.text).ilike(needle))
    clauses: list[ColumnElement[bool]] = [
        col(Call.lead_id).in_(lead_ids),
        col(Call.id).in_(turn_calls),
        col(Call.from_number).ilike(needle),
        col(Call.to_number).ilike(needle),
    ]
    if len(digits) >= 3:
        clauses += [col(Call.from_number).contains(digits), col(Call.to_number).contains(digits)]
    call_id = as_id(q.strip())
    if call_id is not None:
        clauses.append(col(Call.id) == call_id)
    query = select(Call.id).where(or_(*clauses))
    return list(session.exec(query.order_by(col(Call.started_at).desc(), col(Call.id).desc())))


def _scan_leads(session: Session, q: str) -> list[int]:
    needle = f"%{q.strip().lower()}%"
    columns = (Lead.name, Lead.email, Lead.phone, Lead.business_type, Lead.need)
    query = select(Lead.id).where(or_(*(col(c).ilike(needle) for c in columns)))
    return list(session.exec(query.order_by(col(Lead.created_at).desc(), col(Lead.id).desc())))


@pytest.fixture
def filled(db: Settings) -> Settings:
    with session_scope() as session:
        _fill(session)
    return db


def test_call_and_lead_search_find_what_a_scan_finds(filled: Settings) -> None:
    with session_scope() as session:
        for q in NEEDLES:
            expected = _scan_calls(session, q)
            page = calls_repo.list_calls(session=session, q=q, limit=200)
            assert [c.id for c in page.items] == expected, q
            assert page.total == len(expected), q
            expected_leads = _scan_leads(session, q)
            lead_page = leads_repo.list_leads(session=session, q=q, limit=200)
            assert [lead.id for lead in lead_page.items] == expected_leads, q
            assert lead_page.total == len(expected_leads), q
    # The table holds what each kind of needle should find at all.
    with session_scope() as session:
        assert calls_repo.list_calls(session=session, q="555-0188").total > 0
        assert calls_repo.list_calls(session=session, q='say "hi"').total > 0
        assert calls_repo.list_calls(session=session, q="100%").total > 0
        assert leads_repo.list_leads(session=session, q="j_park").total == 1


def test_search_pages_keep_the_total_and_follow_edits(filled: Settings) -> None:
    with session_scope() as session:
        everything = _scan_calls(session, "tax")
        assert len(everything) >= 3
        for offset in range(len(everything) + 2):
            page = calls_repo.list_calls(session=session, q="tax", limit=2, offset=offset)
            assert page.total == len(everything)
            assert [c.id for c in page.items] == everything[offset : offset + 2]
        lead = session.exec(select(Lead).where(Lead.name == "Grace Liu")).one()
        lead.name = "Grace Hopper"
        session.add(lead)
    with session_scope() as session:
        assert [x.name for x in leads_repo.list_leads(session=session, q="hopper").items] == [
            "Grace Hopper"
        ]
        assert leads_repo.list_leads(session=session, q="liu").total == 1  # still the email
        assert leads_repo.list_leads(session=session, q="grace liu").total == 0
        call = session.exec(
            select(Call).where(col(Call.id).in_(_scan_calls(session, "ünïcode")))
        ).first()
        assert call is not None
        session.delete(call)
    with session_scope() as session:
        assert calls_repo.list_calls(session=session, q="ünïcode").total == len(
            _scan_calls(session, "ünïcode")
        )
