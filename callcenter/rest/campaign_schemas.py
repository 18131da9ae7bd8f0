"""The campaign routes' response shapes (the contract's campaign object and contacts page)."""

from pydantic import BaseModel


class RetryOut(BaseModel):
    max_attempts: int
    retry_after_seconds: int
    retry_on: list[str]


class CountsOut(BaseModel):
    total: int
    pending: int
    calling: int
    retry: int
    done: int
    skipped: int
    failed: int
    qualified: int


class CampaignOut(BaseModel):
    id: int
    name: str
    status: str
    max_concurrent: int
    calls_per_minute: int
    retry: RetryOut
    instructions: str | None
    counts: CountsOut
    created_at: str | None
    started_at: str | None
    completed_at: str | None


class RefusedOut(BaseModel):
    line: int
    value: str
    error: str


class PreviewOut(BaseModel):
    line: int | None
    phone: str
    name: str | None
    email: str | None
    company: str | None


class CampaignCreatedOut(CampaignOut):
    added: int
    merged: int
    invalid: list[RefusedOut]


class ContactsAddedOut(CampaignCreatedOut):
    preview: list[PreviewOut]
    dry_run: bool


class CampaignPage(BaseModel):
    items: list[CampaignOut]
    total: int
    limit: int
    offset: int


class ContactOut(BaseModel):
    id: int
    phone: str
    name: str | None
    email: str | None
    company: str | None
    state: str
    attempts: int
    last_outcome: str | None
    skip_reason: str | None
    next_attempt_at: str | None
    call_ids: list[int]


class ContactPage(BaseModel):
    items: list[ContactOut]
    total: int
    limit: int
    offset: int
