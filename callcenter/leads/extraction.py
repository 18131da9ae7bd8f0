"""Post-call extraction of lead fields from a whole transcript, behind one `Extractor` Protocol:
the offline rule-based extractor (default) and OpenAI structured outputs (with offline fallback)."""

import logging
from dataclasses import dataclass
from typing import Protocol

from callcenter.config import Settings
from callcenter.leads.normalize import LEAD_FIELDS, FieldError, LeadFields, normalize_field

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Turn:
    """One utterance of the transcript: `role` is "caller" or "agent"."""

    role: str
    text: str


class Extractor(Protocol):
    name: str

    async def extract(self, turns: list[Turn]) -> LeadFields:
        """The lead fields the transcript states (latest value wins), normalised."""
        ...


def clean_fields(raw: dict[str, str | None], *, region: str) -> LeadFields:
    """Normalise what an extractor found, dropping any field that does not validate."""
    out: dict[str, str] = {}
    for key in LEAD_FIELDS:
        value = raw.get(key)
        if not value or not value.strip():
            continue
        try:
            out[key] = normalize_field(key, value, region=region)
        except FieldError as exc:
            log.info("extraction dropped %s: %s", key, exc.reason)
    return LeadFields(**out)


class OfflineExtractor:
    """Rule-based: reads the caller's turns, using the agent's questions as context."""

    name = "offline"

    def __init__(self, *, region: str = "US") -> None:
        self._region = region

    async def extract(self, turns: list[Turn]) -> LeadFields:
        return self.extract_sync(turns)

    def extract_sync(self, turns: list[Turn]) -> LeadFields:
        from callcenter.leads.rules import extract_raw

        return clean_fields(extract_raw(turns), region=self._region)


class FallbackExtractor:
    """Tries `primary`; on any failure uses `fallback`, so a call never goes without its lead."""

    def __init__(self, primary: Extractor, fallback: Extractor) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = f"{primary.name}+{fallback.name}"

    async def extract(self, turns: list[Turn]) -> LeadFields:
        try:
            return await self.primary.extract(turns)
        except Exception as exc:
            from callcenter import metrics

            metrics.count_error(f"extraction_{self.primary.name}_failed")
            log.warning(
                "%s extraction failed (%s); using %s",
                self.primary.name,
                type(exc).__name__,
                self.fallback.name,
            )
            return await self.fallback.extract(turns)


def build_extractor(settings: Settings) -> Extractor:
    """OpenAI (falling back to offline) when an OpenAI key is set, else offline."""
    offline = OfflineExtractor(region=settings.default_region)
    if not settings.openai_api_key:
        return offline
    from callcenter.leads.openai_extractor import OpenAIExtractor

    return FallbackExtractor(OpenAIExtractor(settings), offline)
