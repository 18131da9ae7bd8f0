"""The core app this dashboard process mounts, and typed access to the parts pages use."""

from fastapi import FastAPI

from callcenter.calls.life import CallLife
from callcenter.calls.outbound import OutboundDialer
from callcenter.live.hub import LiveHub

_core: FastAPI | None = None


def set_core(app: FastAPI) -> None:
    """Remember the core app built by the Reflex app module."""
    global _core
    _core = app


def core() -> FastAPI:
    if _core is None:
        raise RuntimeError("the core app is not mounted in this process")
    return _core


def hub() -> LiveHub:
    """Where this process publishes what happens on calls."""
    found: LiveHub = core().state.hub
    return found


def call_life() -> CallLife:
    """Ends calls (the Live page's *End call*)."""
    found: CallLife = core().state.life
    return found


def dialer() -> OutboundDialer:
    """Places outbound calls (the make-call form)."""
    found: OutboundDialer = core().state.dialer
    return found
