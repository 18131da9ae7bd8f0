"""FastAPI dependencies for the REST routes, as `Annotated` aliases: database, settings (who
may call a route: `rest/roles.py`)."""

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from callcenter.accounts import service as accounts
from callcenter.config import Settings, get_settings
from callcenter.db.session import get_db

SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

SESSION_COOKIE = accounts.SESSION_COOKIE
