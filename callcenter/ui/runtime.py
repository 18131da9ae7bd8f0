"""The core app this dashboard process mounts, so UI handlers can reach its `Services`."""

from fastapi import FastAPI

from callcenter.services import Services

_core: FastAPI | None = None


def set_core(app: FastAPI) -> None:
    """Remember the core app built by the Reflex app module."""
    global _core
    _core = app


def core() -> FastAPI:
    if _core is None:
        raise RuntimeError("the core app is not mounted in this process")
    return _core


def services() -> Services:
    """The carrier, voice engine, hub and active bridges of this process."""
    found: Services = core().state.services
    return found
