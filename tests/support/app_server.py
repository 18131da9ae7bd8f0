"""The core app served by uvicorn on a real port in a background thread, for socket-level tests."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from tests.support.servers import free_port, wait_for_port


@dataclass
class RunningServer:
    app: FastAPI
    port: int
    server: uvicorn.Server
    loop: asyncio.AbstractEventLoop | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@contextmanager
def serve_in_thread(app: FastAPI, port: int | None = None) -> Iterator[RunningServer]:
    """Run `app` with uvicorn (lifespan on) until the block exits."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    running = RunningServer(app=app, port=port, server=server)

    def _run() -> None:
        loop = asyncio.new_event_loop()
        running.loop = loop
        loop.run_until_complete(server.serve())
        loop.close()

    thread = threading.Thread(target=_run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    wait_for_port(port)
    while not server.started:
        thread.join(0.01)
    try:
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=15)
