"""Who calls a REST route, and the role the route needs: the API token (an integration) and a
manager's session have manager rights; a rep's session reads everything, edits leads and adds
notes, and gets 403 for the rest (CONTRACT.md, "Roles on the REST API")."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from callcenter.accounts import service as accounts
from callcenter.db.models import Role
from callcenter.rest.deps import SESSION_COOKIE, SessionDep, SettingsDep
from callcenter.rest.origin import refuse_cross_site_write

_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    email: str | None = None  # None: the API token

    @property
    def is_api_token(self) -> bool:
        return self.email is None

    @property
    def author(self) -> str:
        """How changes made by this principal are signed (notes, lead edits)."""
        return self.email or "api"


def current_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The API token, or a signed-in session (Bearer or cookie); 401 otherwise. A write with
    the cookie alone must come from this site's pages (403 otherwise)."""
    presented = credentials.credentials if credentials else ""
    if presented and accounts.api_token_valid(
        session=session, settings=settings, presented=presented
    ):
        return Principal(role=Role.manager)
    token = presented or request.cookies.get(SESSION_COOKIE, "")
    user = accounts.user_for_session(session=session, token=token) if token else None
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid credentials: send Authorization: Bearer <API_TOKEN>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not presented:
        refuse_cross_site_write(request, settings)
    return Principal(role=user.role, email=user.email)


def manager_principal(who: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """The principal, if it has manager rights; 403 naming the role needed otherwise."""
    if who.role != Role.manager:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail=(
                f"this needs the manager role (a manager's session or the API token); "
                f"{who.email} is signed in as a {who.role.value}"
            ),
        )
    return who


AnyPrincipal = Annotated[Principal, Depends(current_principal)]
ManagerPrincipal = Annotated[Principal, Depends(manager_principal)]
