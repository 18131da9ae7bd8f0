"""Hardening tests serve the core with uvicorn's `websockets` protocol, whose module warns on
import (a UserWarning, so `filterwarnings=error` would fail the server thread): import it once."""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    import uvicorn.protocols.websockets.websockets_impl  # noqa: F401
