"""Fixtures: the core served on a real port."""

from tests.support.served_core import core, start_core

__all__ = ["core", "start_core"]
