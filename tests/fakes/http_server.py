"""The skeleton the fake HTTP APIs share: a threaded server on a real port answering POSTs with
JSON from a handler function, quiet about clients that hang up, shut down when the block exits."""

import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Request:
    path: str
    headers: Message  # case-insensitive lookups, as on the wire
    body: bytes

    def json(self) -> Any:
        """The body as JSON (an empty body reads as {}); ValueError if it is not JSON."""
        return json.loads(self.body or b"{}")


Handler = Callable[[Request], tuple[int, Any]]  # request -> (HTTP status, JSON body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (after a scripted stall) is not an error worth printing."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _request_handler(handle: Handler) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, answer = handle(Request(path=self.path, headers=self.headers, body=body))
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting (a scripted stall)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return RequestHandler


@contextmanager
def json_http_server(
    port: int, handle: Handler, *, name: str, release: Callable[[], None]
) -> Iterator[None]:
    """Serve `handle` on 127.0.0.1:`port` until the block exits; `release` is called first on
    the way out so that handlers held in a stall return and the server can stop."""
    server = _Server(("127.0.0.1", port), _request_handler(handle))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        release()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
