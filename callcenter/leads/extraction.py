"""Post-call extraction of lead fields from a whole transcript, behind one `Extractor` Protocol:
the offline rule-based extractor (default) and OpenAI structured outputs (with offline fallback)."""

import logging

from callcenter import metrics
from callcenter.config import Settings
from callcenter.leads.extractor import Extractor, Turn, clean_fields
from callcenter.leads.normalize import LeadFields
from callcenter.leads.openai_extractor import OpenAIExtractor
from callcenter.leads.rules import extract_raw

log = logging.getLogger(__name__)


class OfflineExtractor:
    """Rule-based: reads the caller's turns, using the agent's questions as context."""

    name = "offline"

    def __init__(self, *, region: str = "US") -> None:
        self._region = region

    async def extract(self, turns: list[Turn]) -> LeadFields:
        return self.extract_sync(turns)

    def extract_sync(self, turns: list[Turn]) -> LeadFields:
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
    return FallbackExtractor(OpenAIExtractor(settings), offline)
