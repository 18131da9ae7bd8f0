"""Row-level security on PostgreSQL: tables closed to every role but their owner.

Supabase serves each table of the `public` schema through its Data API to the `anon` and
`authenticated` roles. With row-level security on and no policy for those roles, that API
reads and writes nothing, while the app's own role (the tables' owner) is unaffected.
A migration that creates a table calls `enable_row_level_security(op.get_bind(), "table")`.
"""

from sqlalchemy import text
from sqlalchemy.engine import Connection


def _quoted(connection: Connection, table: str) -> str:
    return connection.dialect.identifier_preparer.quote(table)


def enable_row_level_security(connection: Connection, *tables: str) -> None:
    """Turn row-level security on for `tables`; nothing happens on databases without it."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            text(f"ALTER TABLE {_quoted(connection, table)} ENABLE ROW LEVEL SECURITY")
        )


def disable_row_level_security(connection: Connection, *tables: str) -> None:
    """Undo `enable_row_level_security` (for a migration's downgrade)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            text(f"ALTER TABLE {_quoted(connection, table)} DISABLE ROW LEVEL SECURITY")
        )


def schema_tables(connection: Connection) -> list[str]:
    """Every ordinary table in the connection's current schema."""
    if connection.dialect.name != "postgresql":
        return []
    rows = connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
    )
    return [str(row[0]) for row in rows]


def tables_without_row_level_security(connection: Connection) -> list[str]:
    """Tables of the current schema that any role with a grant could read in full."""
    if connection.dialect.name != "postgresql":
        return []
    rows = connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
            "AND NOT c.relrowsecurity ORDER BY c.relname"
        )
    )
    return [str(row[0]) for row in rows]
