"""The GA `session.update` payload: μ-law both ways, server VAD events only, tools."""

from typing import Any

from callcenter.config import Settings
from callcenter.voice.session import SessionConfig, ToolSpec

SILENCE_DURATION_MS = 500
IDLE_TIMEOUT_MS = 15_000


def tool_json(tool: ToolSpec) -> dict[str, Any]:
    return {
        "type": "function",
        "name": tool.name,
        "description": tool.description,
        "parameters": tool.parameters,
    }


def realtime_session(settings: Settings, config: SessionConfig) -> dict[str, Any]:
    """The `session` object of `session.update` (GA shape; no beta fields).

    `audio/pcmu` on both sides lets Twilio's base64 μ-law pass through untouched."""
    return {
        "type": "realtime",
        "model": settings.openai_realtime_model,
        "output_modalities": ["audio"],
        "instructions": config.instructions,
        "audio": {
            "input": {
                "format": {"type": "audio/pcmu"},
                "transcription": {"model": settings.openai_transcribe_model},
                "noise_reduction": {"type": "near_field"},
                "turn_detection": {
                    "type": "server_vad",
                    "silence_duration_ms": SILENCE_DURATION_MS,
                    "idle_timeout_ms": IDLE_TIMEOUT_MS,
                    # The bridge decides barge-ins and asks for every reply (voice/barge_in.py):
                    # a "mhmm" or a cough must not cut the agent off or get an answer.
                    "create_response": False,
                    "interrupt_response": False,
                },
            },
            "output": {"format": {"type": "audio/pcmu"}, "voice": settings.openai_voice},
        },
        "tools": [tool_json(tool) for tool in config.tools],
        "tool_choice": "auto",
    }
