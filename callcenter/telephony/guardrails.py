"""Outbound guardrails checked before every dial (filled in with hardening)."""

from sqlmodel import Session

from callcenter.config import Settings


class GuardrailRefusal(Exception):
    """A dial refused by policy; `status_code` is 403 (not allowed) or 429 (too many)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


def check_outbound(*, session: Session, settings: Settings, to: str) -> None:
    """Raise `GuardrailRefusal` when calling `to` (E.164) now is not allowed."""
    return None
