"""Typed access to the parts the composition root puts on `app.state`, as FastAPI
dependencies for HTTP and WebSocket routes alike."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends
from starlette.requests import HTTPConnection

from callcenter.calls.carrier import Carrier
from callcenter.calls.life import CallLife
from callcenter.calls.outbound import OutboundDialer
from callcenter.config import Settings
from callcenter.live.hub import LiveHub
from callcenter.voice.connector import CallConnector

T = TypeVar("T")


def _from_state(name: str, kind: type[T] | Any) -> Callable[[HTTPConnection], T]:
    """A dependency returning `app.state.<name>`, typed as `kind`."""

    def part(conn: HTTPConnection) -> T:
        return cast(T, getattr(conn.app.state, name))

    part.__name__ = name
    return part


def _inline(part: Callable[[HTTPConnection], T]) -> Callable[[HTTPConnection], Awaitable[T]]:
    """`part` as an async dependency: FastAPI runs a plain function in its thread pool, a
    hop per dependency per request that a read of `app.state` does not need."""

    async def on_the_loop(conn: HTTPConnection) -> T:
        return part(conn)

    on_the_loop.__name__ = part.__name__
    return on_the_loop


app_settings: Callable[[HTTPConnection], Settings] = _from_state("settings", Settings)
call_life: Callable[[HTTPConnection], CallLife] = _from_state("life", CallLife)
carrier: Callable[[HTTPConnection], Carrier] = _from_state("carrier", Carrier)
dialer: Callable[[HTTPConnection], OutboundDialer] = _from_state("dialer", OutboundDialer)
connector: Callable[[HTTPConnection], CallConnector] = _from_state("connector", CallConnector)
hub: Callable[[HTTPConnection], LiveHub] = _from_state("hub", LiveHub)

AppSettingsDep = Annotated[Settings, Depends(_inline(app_settings))]
CallLifeDep = Annotated[CallLife, Depends(_inline(call_life))]
CarrierDep = Annotated[Carrier, Depends(_inline(carrier))]
DialerDep = Annotated[OutboundDialer, Depends(_inline(dialer))]
ConnectorDep = Annotated[CallConnector, Depends(_inline(connector))]
HubDep = Annotated[LiveHub, Depends(_inline(hub))]
