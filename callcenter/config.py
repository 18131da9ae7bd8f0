"""Typed application settings read once from the environment (and `.env`)."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import phonenumbers
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_REALTIME_MODEL = "gpt-realtime-2.1"
# USD per million Realtime tokens, by kind; REALTIME_PRICES (JSON) overrides any of them.
DEFAULT_REALTIME_PRICES = {
    "audio_in": 32.0,
    "audio_in_cached": 0.4,
    "text_in": 4.0,
    "text_in_cached": 0.4,
    "audio_out": 64.0,
    "text_out": 16.0,
}
_HOURS_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")

CommaList = Annotated[list[str], NoDecode]


class ConfigError(RuntimeError):
    """Raised when the environment is misconfigured; the message names the variable."""


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Every environment variable of the contract, validated at start-up."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = "sqlite:///callcenter.db"
    public_base_url: str = "http://localhost:8000"

    carrier: Literal["twilio", "simulator"] | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_phone_number: str | None = None
    twilio_api_base_url: str | None = None

    voice_engine: Literal["openai", "local"] | None = None
    # The local engine's recogniser: pocketsphinx grammars only, or Moonshine for open answers
    # (needs its models fetched at setup; pocketsphinx otherwise). README "Offline voice".
    local_asr: Literal["neural", "grammar"] = "neural"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_realtime_model: str = DEFAULT_REALTIME_MODEL
    openai_voice: str = "marin"
    openai_transcribe_model: str = "gpt-4o-mini-transcribe"
    openai_extraction_model: str = "gpt-4o-mini"

    resend_api_key: str | None = None
    resend_api_url: str | None = None
    email_from: str = "Callcenter <calls@callcenter.local>"
    team_notify_emails: CommaList = Field(default_factory=list)
    # A lead who calls again within this many days gets no second "thanks for calling" email.
    followup_cooldown_days: int = Field(default=7, ge=0)
    outbox_dir: Path = Path("var/outbox")

    api_token: str | None = None
    # Several tokens accepted at once, so one can be replaced without downtime.
    api_tokens: CommaList = Field(default_factory=list)
    admin_email: str = "admin@callcenter.local"
    admin_password: str | None = None
    session_ttl_hours: int = Field(default=12, ge=1)

    redis_url: str | None = None

    company_name: str = "Callcenter"
    agent_instructions: str | None = None
    transfer_number: str | None = None
    # Voice bridge limits: a silent Realtime session counts as lost after this many seconds;
    # calls are wound up (goodbye) before the Realtime session cap.
    realtime_stall_seconds: float = Field(default=10.0, gt=0)
    # The AI provider ends a session after a while (60 min at last report): a new session
    # carrying the conversation takes over before this many seconds (float: tests compress time).
    realtime_max_session_seconds: float = Field(default=3300.0, gt=0)
    # A voice session opened at the webhook is closed if its media stream has not started.
    voice_preconnect_seconds: float = Field(default=15.0, gt=0, le=15.0)
    realtime_prices: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_REALTIME_PRICES))
    max_call_seconds: int = Field(default=3300, ge=1)
    default_region: str = "US"
    voicemail_action: Literal["leave_message", "hang_up"] = "leave_message"

    record_calls: bool = True
    recordings_dir: Path = Path("var/recordings")
    recording_retention_days: int = Field(default=90, ge=1)
    recording_notice: str = "This call may be recorded."

    allowed_countries: CommaList = Field(default_factory=list)
    calling_hours: str = "09:00-20:00"
    max_calls_per_number_per_day: int = Field(default=3, ge=1)
    max_calls_per_day: int = Field(default=500, ge=1)
    max_concurrent_outbound: int = Field(default=10, ge=1)

    auto_migrate: bool = True
    background_workers: bool = True
    # On SIGTERM: how long live calls may go on, then how long the agent's goodbye may take.
    shutdown_grace_seconds: float = Field(default=30.0, ge=0)
    shutdown_goodbye_seconds: float = Field(default=15.0, ge=0)
    # Browser tests only: mounts /api/test/* routes that publish live events on demand.
    ui_test_hooks: bool = False
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: str = "INFO"

    @field_validator("team_notify_emails", "allowed_countries", "api_tokens", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        return _split_commas(value)

    @field_validator("allowed_countries")
    @classmethod
    def _iso_countries(cls, value: list[str]) -> list[str]:
        codes = [code.upper() for code in value]
        bad = [code for code in codes if not re.fullmatch(r"[A-Z]{2}", code)]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-2 country codes: {', '.join(bad)}")
        return codes

    @field_validator("team_notify_emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        bad = [addr for addr in value if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", addr)]
        if bad:
            raise ValueError(f"not email addresses: {', '.join(bad)}")
        return value

    @field_validator("public_base_url", "twilio_api_base_url", "openai_base_url", "resend_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value.startswith("postgres://") or value.startswith("postgresql://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        if not (value.startswith("sqlite:") or value.startswith("postgresql+psycopg://")):
            raise ValueError("must be sqlite:///… or postgresql+psycopg://…")
        return value

    @field_validator("twilio_phone_number", "transfer_number")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            parsed = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException as exc:
            raise ValueError(f"must be an E.164 number like +15551234567 ({exc})") from None
        if not phonenumbers.is_possible_number(parsed):
            raise ValueError(f"{value!r} is not a possible phone number")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("realtime_prices")
    @classmethod
    def _prices(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(DEFAULT_REALTIME_PRICES))
        if unknown:
            kinds = ", ".join(DEFAULT_REALTIME_PRICES)
            raise ValueError(f"unknown price kind {unknown[0]!r}; the kinds are {kinds}")
        if any(price < 0 for price in value.values()):
            raise ValueError("prices must not be negative")
        return {**DEFAULT_REALTIME_PRICES, **value}

    @field_validator("calling_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if not _HOURS_RE.match(value.strip()):
            raise ValueError("must be a local-time window like 09:00-20:00")
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self) -> "Settings":
        if self.carrier == "twilio" and not (self.twilio_account_sid and self.twilio_auth_token):
            raise ValueError("CARRIER=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        if self.voice_engine == "openai" and not self.openai_api_key:
            raise ValueError("VOICE_ENGINE=openai needs OPENAI_API_KEY")
        return self

    # Derived flags: the one place that decides which implementation runs.
    @property
    def effective_carrier(self) -> Literal["twilio", "simulator"]:
        if self.carrier:
            return self.carrier
        return "twilio" if self.twilio_account_sid else "simulator"

    @property
    def twilio_enabled(self) -> bool:
        return self.effective_carrier == "twilio"

    @property
    def effective_voice_engine(self) -> Literal["openai", "local"]:
        if self.voice_engine:
            return self.voice_engine
        return "openai" if self.openai_api_key else "local"

    @property
    def openai_enabled(self) -> bool:
        return self.effective_voice_engine == "openai"

    @property
    def emails_enabled(self) -> bool:
        """True when email goes through Resend rather than the file outbox."""
        return bool(self.resend_api_key)

    @property
    def accepted_api_tokens(self) -> list[str]:
        """`API_TOKENS` and `API_TOKEN` together: every token the REST API accepts."""
        tokens = [*self.api_tokens, *([self.api_token] if self.api_token else [])]
        return list(dict.fromkeys(tokens))

    @property
    def secure_cookies(self) -> bool:
        """Session cookies only over https when the app is served over https."""
        return self.public_base_url.startswith("https://")

    @property
    def signature_checks_enabled(self) -> bool:
        return bool(self.twilio_auth_token)

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def stream_url(self) -> str:
        """The media-stream URL written into TwiML: PUBLIC_BASE_URL with http→ws."""
        base = self.public_base_url
        scheme, rest = base.split("://", 1)
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/media-stream"

    @property
    def calling_window(self) -> tuple[int, int]:
        """Calling hours as minutes since local midnight, [start, end)."""
        start, end = self.calling_hours.split("-")
        h1, m1 = (int(x) for x in start.split(":"))
        h2, m2 = (int(x) for x in end.split(":"))
        return h1 * 60 + m1, h2 * 60 + m2

    @property
    def calling_hours_enforced(self) -> bool:
        """Calling hours protect real people: always with Twilio; with the simulator, which
        rings nobody, only when CALLING_HOURS was set explicitly."""
        return self.twilio_enabled or "calling_hours" in self.model_fields_set

    @property
    def caller_id_region(self) -> str:
        if self.twilio_phone_number:
            region = phonenumbers.region_code_for_number(
                phonenumbers.parse(self.twilio_phone_number, None)
            )
            if region:
                return region
        return self.default_region

    @property
    def effective_allowed_countries(self) -> list[str]:
        return self.allowed_countries or [self.caller_id_region]

    def service_modes(self) -> dict[str, str]:
        """Human-readable mode of each external service, shown in the dashboard header."""
        return {
            "Carrier": "Twilio" if self.twilio_enabled else "simulator",
            "Voice": "OpenAI Realtime" if self.openai_enabled else "local",
            "Email": "Resend" if self.emails_enabled else "file outbox",
            "DB": "PostgreSQL" if self.is_postgres else "SQLite",
            "Live": "Redis" if self.redis_url else "in-process",
        }


def load_settings() -> Settings:
    """Build settings, turning a validation failure into one line naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = "_".join(str(part) for part in first.get("loc", ())).upper() or "configuration"
        message = first.get("msg", "invalid value").removeprefix("Value error, ")
        raise ConfigError(f"invalid configuration: {loc}: {message}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests clear this cache (`get_settings.cache_clear()`)."""
    return load_settings()
