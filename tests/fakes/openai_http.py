"""A fake OpenAI HTTP API on a real port speaking the Chat Completions wire format
(`POST /v1/chat/completions`), with scripted answers: structured JSON content, a refusal,
HTTP errors, or a stall that outlasts the client's timeout."""

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.servers import free_port


@dataclass
class FakeOpenAI:
    port: int
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    # Each entry answers one request: a dict (the structured output), an int (HTTP status),
    # "refusal", "garbage" (content that is not JSON) or "stall".
    script: deque[dict[str, Any] | int | str] = field(default_factory=deque)
    _release: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def answer(self, *answers: dict[str, Any] | int | str) -> None:
        self.script.extend(answers)

    def close(self) -> None:
        self._release.set()


def _completion(model: str, content: str | None, refusal: str | None = None) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
        "system_fingerprint": "fp_fake",
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (after a scripted stall) is not an error worth printing."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path != "/v1/chat/completions":
                self._reply(404, {"error": {"message": "unknown path", "type": "invalid"}})
                return
            fake.requests.append(body)
            fake.headers.append({k.lower(): v for k, v in self.headers.items()})
            action = fake.script.popleft() if fake.script else {}
            model = body.get("model", "")
            if isinstance(action, int):
                self._reply(
                    action,
                    {"error": {"message": f"scripted {action}", "type": "server_error"}},
                )
            elif action == "stall":
                fake._release.wait(10)
                self._reply(200, _completion(model, "{}"))
            elif action == "refusal":
                self._reply(200, _completion(model, None, refusal="I can't help with that."))
            elif action == "garbage":
                self._reply(200, _completion(model, "not json at all"))
            else:
                assert isinstance(action, dict)
                fields = {
                    k: action.get(k) for k in ("name", "email", "phone", "business_type", "need")
                }
                self._reply(200, _completion(model, json.dumps(fields)))

        def _reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def openai_http_server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(port=free_port())
    server = _Server(("127.0.0.1", fake.port), _handler(fake))
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="fake-openai-http", daemon=True
    )
    thread.start()
    try:
        yield fake
    finally:
        fake.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
