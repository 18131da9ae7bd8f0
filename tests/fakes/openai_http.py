"""A fake OpenAI HTTP API on a real port speaking the Chat Completions wire format
(`POST /v1/chat/completions`), with scripted answers: structured JSON content, a refusal,
HTTP errors, or a stall that outlasts the client's timeout."""

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http_server import Request, json_http_server
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


def _answer(fake: FakeOpenAI, request: Request) -> tuple[int, Any]:
    body = request.json()
    if request.path != "/v1/chat/completions":
        return 404, {"error": {"message": "unknown path", "type": "invalid"}}
    fake.requests.append(body)
    fake.headers.append({k.lower(): v for k, v in request.headers.items()})
    action = fake.script.popleft() if fake.script else {}
    model = body.get("model", "")
    if isinstance(action, int):
        return action, {"error": {"message": f"scripted {action}", "type": "server_error"}}
    if action == "stall":
        fake._release.wait(10)
        return 200, _completion(model, "{}")
    if action == "refusal":
        return 200, _completion(model, None, refusal="I can't help with that.")
    if action == "garbage":
        return 200, _completion(model, "not json at all")
    assert isinstance(action, dict)
    # Answer with the fields of the schema the client asked for (lead or call review).
    schema = body.get("response_format", {}).get("json_schema", {}).get("schema", {})
    fields = {k: action.get(k) for k in schema.get("properties", {})}
    return 200, _completion(model, json.dumps(fields))


@contextmanager
def openai_http_server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(port=free_port())
    with json_http_server(
        fake.port, lambda r: _answer(fake, r), name="fake-openai-http", release=fake.close
    ):
        yield fake
