"""Lead extraction with OpenAI structured outputs (`chat.completions.parse` + a pydantic schema)."""

import asyncio
import logging

from openai import AsyncOpenAI
from pydantic import BaseModel, Field

from callcenter.config import Settings
from callcenter.leads.extractor import Turn, clean_fields
from callcenter.leads.normalize import LeadFields

log = logging.getLogger(__name__)

INSTRUCTIONS = """You read the transcript of a sales phone call and extract the caller's details.
Rules:
- Only what the CALLER said about themselves; never the agent's company or the agent's name.
- When the caller corrects a value ("no wait, it's ..."), the latest value wins.
- name: the person's name without titles (Dr., Mr., Ms.).
- email: written normally (spoken "dana at reyes plumbing dot com" is dana@reyesplumbing.com;
  letters spelled one by one are joined).
- phone: the number the caller said, digits only with a leading + and country code if said.
- business_type: a short description in the caller's words ("plumbing", "dental clinic").
- need: one short sentence on what they want.
Use null for anything the caller did not state."""

MAX_TRANSCRIPT_CHARS = 40_000


class ExtractedLead(BaseModel):
    """The structured output the model must produce."""

    name: str | None = Field(description="the caller's name, no titles")
    email: str | None = Field(description="the caller's email address")
    phone: str | None = Field(description="the phone number the caller said")
    business_type: str | None = Field(description="short description of the caller's business")
    need: str | None = Field(description="what the caller wants, one short sentence")


class ExtractionFailed(RuntimeError):
    """The model gave no usable answer (refusal, truncation, bad JSON)."""


def transcript_text(turns: list[Turn]) -> str:
    lines = [f"{'Caller' if t.role == 'caller' else 'Agent'}: {t.text}" for t in turns]
    return "\n".join(lines)[-MAX_TRANSCRIPT_CHARS:]


_clients: dict[tuple[object, ...], AsyncOpenAI] = {}


class OpenAIExtractor:
    name = "openai"

    def __init__(self, settings: Settings, *, timeout: float = 30.0, max_retries: int = 2) -> None:
        self._settings = settings
        self._timeout = timeout
        self._max_retries = max_retries

    def _client(self) -> AsyncOpenAI:
        """One client per event loop and configuration: building one (its TLS context) costs
        tens of milliseconds of CPU on the loop that carries every live call's audio."""
        key = (
            id(asyncio.get_running_loop()),
            self._settings.openai_api_key,
            self._settings.openai_base_url,
            self._timeout,
            self._max_retries,
        )
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = AsyncOpenAI(
                api_key=self._settings.openai_api_key,
                base_url=self._settings.openai_base_url,
                timeout=self._timeout,
                max_retries=self._max_retries,
            )
        return client

    async def extract(self, turns: list[Turn]) -> LeadFields:
        client = self._client()
        async with asyncio.timeout(self._timeout * (self._max_retries + 1) + 5):
            completion = await client.chat.completions.parse(
                model=self._settings.openai_extraction_model,
                messages=[
                    {"role": "system", "content": INSTRUCTIONS},
                    {"role": "user", "content": transcript_text(turns)},
                ],
                response_format=ExtractedLead,
            )
        if not completion.choices:
            raise ExtractionFailed("no choices in the completion")
        message = completion.choices[0].message
        if message.parsed is None:
            raise ExtractionFailed(f"no structured output (refusal: {message.refusal!r})")
        return clean_fields(message.parsed.model_dump(), region=self._settings.default_region)
