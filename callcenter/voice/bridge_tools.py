"""The agent's tool calls during a bridged call: run off the voice loop, one at a time."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from callcenter.voice.session import ToolCall, VoiceSession
from callcenter.voice.tools.base import ToolCallContext, ToolRegistry, ToolResult

log = logging.getLogger(__name__)

TOOL_GRACE = 10.0  # longest wait at the end of a call for a tool still running


class ToolRunner:
    """Runs each tool from the registry in a task of its own, so a tool that waits on the
    database (saving the lead) never holds back the events behind it, such as the caller
    cutting in; answers the model, then hands the result to `after` (go on, or end)."""

    def __init__(
        self,
        *,
        tools: ToolRegistry,
        context: ToolCallContext,
        voice: VoiceSession,
        after: Callable[[ToolResult], Awaitable[None]],
        log_extra: dict[str, str],
    ) -> None:
        self.tools = tools
        self.context = context
        self.voice = voice
        self.after = after
        self._log = log_extra
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, event: ToolCall) -> None:
        task = asyncio.create_task(self._run(event), name="bridge-tool")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> bool:
        """A tool is running (its answer is still owed to the model)."""
        return bool(self._tasks)

    async def finish(self) -> None:
        """At the end of the call: a lead being saved is kept, within bounds."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=TOOL_GRACE)

    async def _run(self, event: ToolCall) -> None:
        # One tool at a time, in the order the model asked.
        async with self._lock:
            try:
                await self._answer(event)
            except Exception:
                log.exception("tool %s failed", event.name, extra=self._log)

    async def _answer(self, event: ToolCall) -> None:
        tool = self.tools.get(event.name)
        if tool is None:
            result = ToolResult(ok=False, message=f"Unknown tool {event.name}.")
        else:
            result = await tool.run(self.context, event.arguments)
        await self.voice.send_tool_result(event.call_id, result.output())
        await self.after(result)
