"""The lists' text search as id subqueries each answered by an index (see db/search_index.py).

A row matches when any searched column contains the text (`ILIKE '%text%'`). Written as a
UNION of one id query per table, rather than one OR over the joined rows, so each table is
looked up in its own indexes: pg_trgm GIN indexes on PostgreSQL (or one scan of a small
table, as its planner sees fit), the FTS5 trigram tables on SQLite.
"""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    bindparam,
    literal_column,
    or_,
    text,
    union,
)
from sqlmodel import Session, col, select

from callcenter.db.models import Call, Lead, TranscriptTurn
from callcenter.db.search_index import SEARCHED, SEPARATOR, lead_text


def _fts_rowids(table: str, columns: tuple[str, ...], term: str) -> Select[Any]:
    """Row ids of `table` whose `columns` contain `term`, from its FTS5 trigram table: a
    phrase MATCH (a substring, case-insensitive) when the term has three characters or more
    and no LIKE wildcard, else the same LIKE pattern as elsewhere (FTS5 answers it too)."""
    fts = SEARCHED[table][0]
    query: Select[Any] = select(literal_column("rowid")).select_from(text(fts))
    if len(term) >= 3 and "%" not in term and "_" not in term:
        phrase = term.replace('"', '""')
        return query.where(literal_column(fts).op("MATCH")(f'{{{" ".join(columns)}}} : "{phrase}"'))
    return query.where(or_(*(literal_column(c).like(f"%{term}%") for c in columns)))


def _ids(
    session: Session, model: Any, table: str, columns: tuple[str, ...], terms: list[str]
) -> list[Select[Any]]:
    """Queries for the ids of the rows of `model` where any of `columns` contains any of
    `terms` (a row may come from several: their UNION is the answer)."""
    if session.get_bind().dialect.name == "sqlite":
        return [_fts_rowids(table, columns, term) for term in terms]
    clauses = [col(getattr(model, c)).ilike(f"%{term}%") for c in columns for term in terms]
    return [select(model.id).where(or_(*clauses))]


def _one(queries: list[Select[Any]]) -> Any:
    return queries[0] if len(queries) == 1 else union(*queries)


def lead_filter(session: Session, q: str) -> ColumnElement[bool]:
    """Leads whose name, email, phone, business or need contains `q`: their ids from the
    FTS5 table on SQLite; on PostgreSQL the plain condition on the fields joined into one
    text, which its trigram index answers (`LEAD_TEXT_SQL`)."""
    term = q.strip().lower()
    columns = SEARCHED["leads"][1]
    if session.get_bind().dialect.name == "sqlite":
        return col(Lead.id).in_(_one(_ids(session, Lead, "leads", columns, [term])))
    if "%" in term or "_" in term or SEPARATOR in term:
        return or_(*(col(getattr(Lead, c)).ilike(f"%{term}%") for c in columns))
    # A plain text is inside one field iff it is inside the fields joined by a character it
    # does not hold: one indexed ILIKE instead of five.
    return lead_text().ilike(bindparam("lead_text", f"%{term}%", unique=True))


def call_ids(session: Session, q: str, call_id: int | None) -> CompoundSelect[Any]:
    """Ids of the calls whose number, lead's name or email, or transcript contains `q`
    (or the digits typed in `q`, e.g. a number written with spaces), or whose id is `call_id`."""
    term = q.strip().lower()
    digits = "".join(ch for ch in q if ch.isdigit())
    leads = _one(_ids(session, Lead, "leads", ("name", "email"), [term]))
    if session.get_bind().dialect.name == "sqlite":
        turn_ids = _fts_rowids("transcript_turns", ("text",), term)
        turns = select(TranscriptTurn.call_id).where(col(TranscriptTurn.id).in_(turn_ids))
    else:
        turns = select(TranscriptTurn.call_id).where(col(TranscriptTurn.text).ilike(f"%{term}%"))
    # A number containing the text contains its digits too: one lookup does when the digits
    # are a part of the text as typed (`+14155550123`), two when not (`415 555 0123`).
    numbers = [digits] if len(digits) >= 3 and digits in term else [term]
    if len(digits) >= 3 and digits not in term:
        numbers.append(digits)
    parts: list[Select[Any]] = [
        select(Call.id).where(col(Call.lead_id).in_(leads)),
        turns,
        *_ids(session, Call, "calls", ("from_number", "to_number"), numbers),
    ]
    if call_id is not None:
        parts.append(select(Call.id).where(col(Call.id) == call_id))
    return union(*parts)
