"""Key/value facts the app generates once and keeps (e.g. the API token's hash)."""

from sqlmodel import Session

from callcenter.db.models import AppSetting
from callcenter.db.types import utcnow


def get_value(*, session: Session, key: str) -> str | None:
    row = session.get(AppSetting, key)
    return row.value if row else None


def set_value(*, session: Session, key: str, value: str) -> None:
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=value))
    else:
        row.value = value
        row.updated_at = utcnow()
    session.flush()
