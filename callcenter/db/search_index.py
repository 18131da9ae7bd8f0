"""Substring search indexes: FTS5 trigram tables on SQLite, pg_trgm GIN indexes on PostgreSQL.

The list searches are `ILIKE '%text%'`. PostgreSQL answers them from trigram GIN indexes
declared on the models (`trigram_index`). SQLite has no such index; there an FTS5 table with
the trigram tokenizer mirrors each searched column (kept in step by triggers) and answers the
same LIKE pattern, case-insensitively as SQLite's LIKE does. The FTS5 tables are not models:
`is_search_table` keeps them out of the schema comparison. A migration that rebuilds
`transcript_turns` or `leads` in SQLite batch mode drops their triggers and must call
`create_sqlite_search` again afterwards.
"""

from sqlalchemy import ColumnElement, Index, String, literal_column, text
from sqlalchemy.engine import Connection

# Mirrored table → (its FTS5 table, the columns searched).
SEARCHED: dict[str, tuple[str, tuple[str, ...]]] = {
    "transcript_turns": ("transcript_turns_fts", ("text",)),
    "calls": ("calls_fts", ("from_number", "to_number")),
    "leads": ("leads_fts", ("name", "email", "phone", "business_type", "need")),
}
FTS_TABLES = frozenset(fts for fts, _ in SEARCHED.values())
SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


TRIGRAM_COLUMNS = (
    ("transcript_turns", "text"),
    ("calls", "from_number"),
    ("calls", "to_number"),
    *(("leads", column) for column in SEARCHED["leads"][1]),
)


def trigram_index_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}_trgm"


def trigram_index(table: str, column: str) -> Index:
    """A pg_trgm GIN index for `ILIKE '%…%'` on `column` (PostgreSQL only)."""
    return Index(
        trigram_index_name(table, column),
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")


SEPARATOR = "\x1f"  # the unit separator: typed into no search box
# Its trigram index exists in the migrations only: the models cannot declare an expression
# index that SQLite's schema comparison skips without a warning.
LEAD_TEXT_INDEX = "ix_leads_search_trgm"
# A lead's searched fields joined by SEPARATOR, a missing one as an empty string: a text
# without the separator is inside one field iff it is inside this. Made of `||` and
# `coalesce` (immutable, unlike `concat_ws`), so PostgreSQL indexes it: one trigram index
# answers a search of all five fields. Queries must spell it exactly so (`lead_text`).
LEAD_TEXT_SQL = " || E'\\x1f' || ".join(f"coalesce({c}, '')" for c in SEARCHED["leads"][1])


def lead_text() -> ColumnElement[str]:
    """`LEAD_TEXT_SQL` for a query on the leads table alone (PostgreSQL)."""
    return literal_column(f"({LEAD_TEXT_SQL})", String)


CALLS_BY_DATE_INDEX = "ix_calls_started_at_id"


def calls_by_date_index() -> Index:
    """Calls in the list's order (newest first, then id), with nothing else: a searched
    page walks it, only the index, and stops at the page's last match (PostgreSQL only)."""
    return Index(CALLS_BY_DATE_INDEX, "started_at", "id").ddl_if(dialect="postgresql")


def is_other_dialects(index: object, dialect: str) -> bool:
    """True for an index the models create only on another database (`Index.ddl_if`)."""
    condition = getattr(index, "_ddl_if", None)
    return condition is not None and condition.dialect not in (None, dialect)


def is_unmodelled_index(name: str) -> bool:
    """True for an index the migrations create and the models do not declare."""
    return name == LEAD_TEXT_INDEX


def is_search_table(name: str) -> bool:
    """True for an FTS5 table of ours or one of its shadow tables."""
    return any(name == fts or name.startswith(fts + "_") for fts in FTS_TABLES)


def create_sqlite_search(connection: Connection) -> None:
    """Create (or re-create) the FTS5 tables and their triggers, filled from the tables."""
    if connection.dialect.name != "sqlite":
        return
    drop_sqlite_search(connection)
    for table, (fts, columns) in SEARCHED.items():
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        statements = [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            "content_rowid='id', tokenize='trigram')",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ]
        for statement in statements:
            connection.execute(text(statement))


def drop_sqlite_search(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    for fts, _ in SEARCHED.values():
        for suffix in ("ai", "ad", "au"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {fts}_{suffix}"))
        connection.execute(text(f"DROP TABLE IF EXISTS {fts}"))
