"""What the AI used on a call, summed from each `response.done`'s `usage`, and what it cost."""

from dataclasses import dataclass, fields
from typing import Any

from callcenter.config import DEFAULT_REALTIME_PRICES


def _int(data: Any, key: str) -> int:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, int) and value > 0 else 0


@dataclass(slots=True)
class Usage:
    """Token counts, as the Realtime API reports them (input includes cached)."""

    input_tokens: int = 0
    output_tokens: int = 0
    input_text_tokens: int = 0
    input_audio_tokens: int = 0
    cached_tokens: int = 0
    cached_text_tokens: int = 0
    cached_audio_tokens: int = 0
    output_text_tokens: int = 0
    output_audio_tokens: int = 0

    @classmethod
    def of_response(cls, usage: Any) -> "Usage":
        """A `response.done` event's `response.usage` object (missing parts count as 0)."""
        details_in = usage.get("input_token_details") if isinstance(usage, dict) else None
        cached = details_in.get("cached_tokens_details") if isinstance(details_in, dict) else None
        details_out = usage.get("output_token_details") if isinstance(usage, dict) else None
        return cls(
            input_tokens=_int(usage, "input_tokens"),
            output_tokens=_int(usage, "output_tokens"),
            input_text_tokens=_int(details_in, "text_tokens"),
            input_audio_tokens=_int(details_in, "audio_tokens"),
            cached_tokens=_int(details_in, "cached_tokens"),
            cached_text_tokens=_int(cached, "text_tokens"),
            cached_audio_tokens=_int(cached, "audio_tokens"),
            output_text_tokens=_int(details_out, "text_tokens"),
            output_audio_tokens=_int(details_out, "audio_tokens"),
        )

    def add(self, other: "Usage") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def is_empty(self) -> bool:
        return not (self.input_tokens or self.output_tokens)

    def as_json(self) -> dict[str, Any]:
        """The sums in the Realtime API's own shape (the call object's `usage`)."""
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "total_tokens": self.input_tokens + self.output_tokens,
            "input_token_details": {
                "text_tokens": self.input_text_tokens,
                "audio_tokens": self.input_audio_tokens,
                "cached_tokens": self.cached_tokens,
                "cached_tokens_details": {
                    "text_tokens": self.cached_text_tokens,
                    "audio_tokens": self.cached_audio_tokens,
                },
            },
            "output_token_details": {
                "text_tokens": self.output_text_tokens,
                "audio_tokens": self.output_audio_tokens,
            },
        }

    def cost_usd(self, prices: dict[str, float]) -> float:
        """The price of these tokens (USD per million by kind, REALTIME_PRICES). Without a
        split by kind, tokens count as audio (the dearer kind); cached ones as cached."""
        price = {**DEFAULT_REALTIME_PRICES, **prices}
        cached_text = self.cached_text_tokens
        cached_audio = self.cached_audio_tokens or max(0, self.cached_tokens - cached_text)
        if self.input_text_tokens or self.input_audio_tokens:  # the split includes cached
            text_in = max(0, self.input_text_tokens - cached_text)
            audio_in = max(0, self.input_audio_tokens - cached_audio)
        else:
            text_in, audio_in = 0, max(0, self.input_tokens - cached_text - cached_audio)
        text_out = self.output_text_tokens
        audio_out = self.output_audio_tokens or max(0, self.output_tokens - text_out)
        total = (
            audio_in * price["audio_in"]
            + cached_audio * price["audio_in_cached"]
            + text_in * price["text_in"]
            + cached_text * price["text_in_cached"]
            + audio_out * price["audio_out"]
            + text_out * price["text_out"]
        )
        return round(total / 1_000_000, 6)
