"""The agent's tool calls during a bridged call: save the lead, hang up, transfer to a human."""

from collections.abc import Awaitable, Callable
from typing import Protocol

from callcenter.db.models import EndReason
from callcenter.services import Services
from callcenter.voice import tools
from callcenter.voice.session import ToolCall, VoiceSession


class EndCall(Protocol):
    """Starts the call's one ending; the caller hears the agent's last words first."""

    def __call__(
        self, reason: EndReason, *, transfer_to: str | None = None, do_not_call: bool = False
    ) -> None: ...


class BridgeTools:
    """Answers each `ToolCall` to the voice session and turns ending tools into call endings."""

    def __init__(
        self,
        *,
        call_id: int,
        services: Services,
        voice: VoiceSession,
        request_response: Callable[[], Awaitable[None]],
        end_call: EndCall,
    ) -> None:
        self.call_id = call_id
        self.services = services
        self.voice = voice
        self.request_response = request_response
        self.end_call = end_call

    async def handle(self, event: ToolCall) -> None:
        if event.name == tools.SAVE_LEAD_DETAILS:
            outcome = await tools.run_save_lead_details(self.call_id, event.arguments)
            for lead_event in outcome.events:  # committed in the worker thread; publish here
                self.services.hub.publish(lead_event)
            await self.voice.send_tool_result(
                event.call_id, tools.tool_output(outcome.ok, outcome.message)
            )
            await self.request_response()
        elif event.name == tools.END_CALL:
            await self.voice.send_tool_result(event.call_id, tools.tool_output(True, "Hanging up."))
            self.end_call(
                EndReason.agent_ended, do_not_call=tools.asks_do_not_call(event.arguments)
            )
        elif event.name == tools.TRANSFER_TO_HUMAN:
            await self._transfer(event)
        else:
            await self.voice.send_tool_result(
                event.call_id, tools.tool_output(False, f"Unknown tool {event.name}.")
            )
            await self.request_response()

    async def _transfer(self, event: ToolCall) -> None:
        number = self.services.settings.transfer_number
        if not number:
            message = "Transfer is not available; offer that a team member will call back."
            await self.voice.send_tool_result(event.call_id, tools.tool_output(False, message))
            await self.request_response()
            return
        await self.voice.send_tool_result(event.call_id, tools.tool_output(True, "Transferring."))
        self.end_call(EndReason.transferred, transfer_to=number)
