"""What an agent tool is: a name, a description, a JSON schema and a handler, in one object."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from callcenter.config import Settings
from callcenter.db.models import EndReason
from callcenter.live.hub import LiveHub
from callcenter.voice.session import ToolSpec


@dataclass(frozen=True, slots=True)
class ToolCallContext:
    """The call a tool runs for, and the few things a tool may use."""

    call_id: int
    settings: Settings
    hub: LiveHub


@dataclass(frozen=True, slots=True)
class CallEnding:
    """A tool's request to end the call after the agent's last words have played."""

    reason: EndReason
    transfer_to: str | None = None
    do_not_call: bool = False


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What the model is told (`ok`, `message`), and whether the call ends because of it."""

    ok: bool
    message: str
    ending: CallEnding | None = None

    def output(self) -> str:
        """The `output` string of the `function_call_output` item."""
        return json.dumps({"ok": self.ok, "message": self.message})


class Tool(Protocol):
    """One agent tool, the same for every voice engine."""

    name: str
    description: str
    parameters: dict[str, Any]
    guidance: str  # the sentence of the agent's script that says when to use it

    async def run(self, context: ToolCallContext, arguments: dict[str, Any]) -> ToolResult: ...


class ToolRegistry:
    """The tools offered to the agent, by name; voice engines and instructions read it."""

    def __init__(self, tools: Iterable[Tool]) -> None:
        self._tools = {tool.name: tool for tool in tools}

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def names(self) -> list[str]:
        return list(self._tools)

    def specs(self) -> list[ToolSpec]:
        """The tools as the voice session offers them to the model."""
        return [ToolSpec(t.name, t.description, t.parameters) for t in self._tools.values()]

    def guidance(self) -> str:
        """Each tool's line of the agent's script, in registry order."""
        return " ".join(t.guidance for t in self._tools.values() if t.guidance)
