"""No-op `VoiceSession` controls for sessions that never take instructions from the bridge."""


class IgnoresControls:
    """Accepts every bridge control and does nothing; subclasses write only what matters to them."""

    async def send_audio(self, payload: str) -> None:
        return None

    async def request_response(self, instructions: str | None = None) -> None:
        return None

    async def send_text(self, text: str) -> None:
        return None

    async def send_tool_result(self, call_id: str, output: str) -> None:
        return None

    async def truncate(self, item_id: str, content_index: int, audio_end_ms: int) -> None:
        return None

    async def cancel_response(self) -> None:
        return None

    async def close(self) -> None:
        return None
