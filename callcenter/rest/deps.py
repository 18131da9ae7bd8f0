"""FastAPI dependencies for the REST routes, as `Annotated` aliases: database, settings, auth."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from callcenter.accounts import service as accounts
from callcenter.config import Settings, get_settings
from callcenter.db.session import get_db
from callcenter.rest.origin import refuse_cross_site_write

SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

SESSION_COOKIE = accounts.SESSION_COOKIE
_bearer = HTTPBearer(auto_error=False)


def require_api_auth(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """Accept the API token, or a dashboard session (Bearer or cookie); 401 otherwise."""
    presented = credentials.credentials if credentials else ""
    if presented and accounts.api_token_valid(
        session=session, settings=settings, presented=presented
    ):
        return "api-token"
    token = presented or request.cookies.get(SESSION_COOKIE, "")
    user = accounts.user_for_session(session=session, token=token) if token else None
    if user is not None:
        if not presented:
            refuse_cross_site_write(request, settings)
        return f"user:{user.email}"
    raise HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="missing or invalid credentials: send Authorization: Bearer <API_TOKEN>",
        headers={"WWW-Authenticate": "Bearer"},
    )


ApiPrincipal = Annotated[str, Depends(require_api_auth)]
