"""The PostgreSQL search paths (a calls page scanned in its order, the leads' joined-fields
index) find exactly what a scan of every row finds, and the index is the one the query uses."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import Call, CallDirection, Lead, TranscriptTurn
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import leads as leads_repo
from callcenter.db.repo import paging, search
from callcenter.db.search_index import LEAD_TEXT_INDEX
from callcenter.db.session import session_scope
from tests.db.repo.test_search import NEEDLES, T0, _fill, _scan_calls, _scan_leads


@pytest.fixture
def filled(db: Settings) -> Settings:
    with session_scope() as session:
        _fill(session)
    return db


def test_searches_counted_from_the_ids_and_paged_in_order_find_what_a_scan_finds(
    filled: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "FEW_MATCHES", 0)  # every search takes the many-matches path
    with session_scope() as session:
        for q in NEEDLES:
            expected = _scan_calls(session, q)
            for offset in (0, 1, len(expected), len(expected) + 3):
                page = calls_repo.list_calls(session=session, q=q, limit=2, offset=offset)
                assert [c.id for c in page.items] == expected[offset : offset + 2], (q, offset)
                assert page.total == len(expected), (q, offset)
            for direction in CallDirection:
                kept = [i for i in expected if _direction(session, i) == direction]
                for offset in (0, 1, len(kept) + 1):
                    page = calls_repo.list_calls(
                        session=session, q=q, direction=direction, limit=2, offset=offset
                    )
                    assert [c.id for c in page.items] == kept[offset : offset + 2], (q, direction)
                    assert page.total == len(kept), (q, direction, offset)
        everything = calls_repo.list_calls(session=session, q="+1", sort="id", limit=200)
        assert [c.id for c in everything.items] == sorted(c.id for c in everything.items)
        assert everything.total == len(_scan_calls(session, "+1")) > 0


def test_a_word_in_more_calls_than_few_pages_and_counts_every_one(db: Settings) -> None:
    many = paging.FEW_MATCHES + 20
    with session_scope() as session:
        _fill(session)
        for i in range(many):
            call = Call(
                direction=CallDirection.inbound if i % 2 else CallDirection.outbound,
                from_number=f"+1212555{i:04d}",
                to_number="+14155550100",
                started_at=T0 + timedelta(seconds=i % 97),  # ties broken by id
            )
            session.add(call)
            session.flush()
            assert call.id is not None
            words = "we bake sourdough" if i % 3 else "a bakery in town"
            session.add(TranscriptTurn(call_id=call.id, turn_key="t0", role="user", text=words))
    with session_scope() as session:
        expected = _scan_calls(session, "bake")
        assert len(expected) > paging.FEW_MATCHES
        for offset in (0, 50, len(expected) - 10, len(expected) + 1):
            page = calls_repo.list_calls(session=session, q="bake", limit=50, offset=offset)
            assert [c.id for c in page.items] == expected[offset : offset + 50], offset
            assert page.total == len(expected), offset
        inbound = [i for i in expected if _direction(session, i) == CallDirection.inbound]
        assert 0 < len(inbound) < len(expected)
        for offset in (0, 50, len(inbound) + 1):
            page = calls_repo.list_calls(
                session=session, q="bake", direction="inbound", limit=50, offset=offset
            )
            assert [c.id for c in page.items] == inbound[offset : offset + 50], offset
            assert page.total == len(inbound), offset
        few = _scan_calls(session, "bakery")
        assert 0 < len(few) < paging.FEW_MATCHES
        page = calls_repo.list_calls(session=session, q="bakery", limit=50)
        assert ([c.id for c in page.items], page.total) == (few[:50], len(few))


def _direction(session: Session, call_id: int) -> CallDirection:
    call = session.get(Call, call_id)
    assert call is not None
    return call.direction


@pytest.fixture
def pg_db(pg_env: dict[str, str]) -> Settings:
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    return settings


def _plan(session: Session, statement: object) -> str:
    sql = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {sql}")))


@pytest.mark.postgres
def test_the_lead_search_is_the_expression_its_trigram_index_holds(pg_db: Settings) -> None:
    with session_scope() as session:
        _fill(session)
    with session_scope() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: else a scan
        plan = _plan(session, select(Lead.id).where(search.lead_filter(session, "Liu")))
        assert LEAD_TEXT_INDEX in plan, plan
        for q in ("liu", "GRACE", "example.com", "0177", "quarterly tax", "café"):
            expected = _scan_leads(session, q)
            page = leads_repo.list_leads(session=session, q=q, limit=200)
            assert ([lead.id for lead in page.items], page.total) == (expected, len(expected))
