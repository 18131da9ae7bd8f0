"""What every lead extractor shares: the transcript turn it reads, its Protocol, field cleaning."""

import logging
from dataclasses import dataclass
from typing import Protocol

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
