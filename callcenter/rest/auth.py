"""Sign-in and sign-out (`/api/auth/login`, `/logout`): the session token works as
`Authorization: Bearer`, and is also set as the session cookie (HttpOnly); `/session` sets the
cookie for a session the dashboard opened."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from callcenter.accounts import service as accounts
from callcenter.config import Settings
from callcenter.rest.deps import SESSION_COOKIE, SessionDep, SettingsDep
from callcenter.rest.origin import refuse_cross_site_write

router = APIRouter(prefix="/api/auth", tags=["auth"])
_bearer = HTTPBearer(auto_error=False)


class LoginIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class LoginOut(BaseModel):
    token: str
    expires_at: datetime
    role: str


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    """The session cookie as scripts cannot read it (HttpOnly), other sites' requests do not
    carry it (SameSite=Lax), and only over https when the site is https."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )


@router.post("/login")
def login(
    body: LoginIn, response: Response, session: SessionDep, settings: SettingsDep
) -> LoginOut:
    """200 with a session token; 401 on a wrong email or password; 429 when rate-limited."""
    try:
        signed = accounts.sign_in(
            session=session,
            email=body.email,
            password=body.password,
            ttl_hours=settings.session_ttl_hours,
        )
    except accounts.TooManyAttempts as exc:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail=str(exc)) from None
    except accounts.LoginError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=str(exc)) from None
    set_session_cookie(response, settings, signed.token)
    return LoginOut(token=signed.token, expires_at=signed.expires_at, role=signed.role.value)


@router.post("/session", status_code=status.HTTP_204_NO_CONTENT)
def adopt_session(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    """Set the session cookie for the session token presented as Bearer: how the dashboard,
    having signed in over its event socket, gets a cookie its scripts cannot read."""
    token = credentials.credentials if credentials else ""
    if not token or accounts.user_for_session(session=session, token=token) is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="send a signed-in session token as Authorization: Bearer",
            headers={"WWW-Authenticate": "Bearer"},
        )
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    set_session_cookie(response, settings, token)
    return response


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    """End the session presented (Bearer or cookie); 204 even when it had already ended."""
    token = credentials.credentials if credentials else ""
    if not token:
        token = request.cookies.get(SESSION_COOKIE, "")
        if token:
            refuse_cross_site_write(request, settings)
    if token:
        accounts.sign_out(session=session, token=token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(response, settings)
    return response
