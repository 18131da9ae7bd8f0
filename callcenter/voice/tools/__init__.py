"""The agent's tools: one module per tool, registered here (adding a tool = one line below)."""

from callcenter.voice.tools.base import ToolRegistry
from callcenter.voice.tools.end_call import EndCall
from callcenter.voice.tools.save_lead_details import SaveLeadDetails
from callcenter.voice.tools.transfer_to_human import TransferToHuman


def default_tools() -> ToolRegistry:
    """Every tool the agent is offered, in the order its script mentions them."""
    return ToolRegistry([SaveLeadDetails(), TransferToHuman(), EndCall()])
