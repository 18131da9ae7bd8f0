"""Outbound guardrails checked before every dial: who may be called, when, and how often."""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import PhoneNumberType, timezone
from sqlalchemy import func
from sqlmodel import Session, col, select

from callcenter.config import Settings
from callcenter.db.models import ACTIVE_STATUSES, Call, CallDirection, DoNotCall
from callcenter.db.repo import dnc as dnc_repo
from callcenter.db.types import utcnow

log = logging.getLogger(__name__)

# Number types a sales agent must never dial: the callee or we pay a premium, or nobody answers.
BLOCKED_TYPES: dict[int, str] = {
    PhoneNumberType.PREMIUM_RATE: "premium-rate",
    PhoneNumberType.SHARED_COST: "shared-cost",
    PhoneNumberType.UAN: "universal access",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.VOICEMAIL: "voicemail-access",
    PhoneNumberType.PERSONAL_NUMBER: "personal (forwarding)",
}
# Business lines: calling-hours rules protect residential subscribers, and a toll-free number
# may ring in any zone of its country, so its hours are never knowable.
_HOURS_EXEMPT_TYPES = frozenset({PhoneNumberType.TOLL_FREE})
_NON_GEOGRAPHIC = "001"
_DAY = timedelta(days=1)


class GuardrailRefusal(Exception):
    """A dial refused by policy; `status_code` is 403 (not allowed) or 429 (too many)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail

    def __repr__(self) -> str:
        return f"GuardrailRefusal({self.status_code}, {self.detail!r})"


def _forbidden(detail: str) -> GuardrailRefusal:
    return GuardrailRefusal(403, detail)


def _too_many(detail: str) -> GuardrailRefusal:
    return GuardrailRefusal(429, detail)


def _parse(to: str) -> phonenumbers.PhoneNumber:
    try:
        parsed = phonenumbers.parse(to, None)
    except phonenumbers.NumberParseException:
        raise _forbidden(f"{to} is not an E.164 phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise _forbidden(f"{to} is a short code or not a full phone number; those are blocked")
    return parsed


def destination_region(parsed: phonenumbers.PhoneNumber) -> str:
    """The country a number rings in; an unassigned number counts as its country code's."""
    region = phonenumbers.region_code_for_number(parsed)
    if region:
        return region
    return phonenumbers.region_code_for_country_code(parsed.country_code or 0) or "ZZ"


def callee_zones(parsed: phonenumbers.PhoneNumber, region: str) -> list[str]:
    """Every time zone the number may ring in; the country's reference zone when unknown."""
    zones = [z for z in timezone.time_zones_for_number(parsed) if z != "Etc/Unknown"]
    if not zones:
        example = phonenumbers.example_number_for_type(region, PhoneNumberType.FIXED_LINE)
        if example is not None:
            zones = [z for z in timezone.time_zones_for_number(example) if z != "Etc/Unknown"]
    return zones


def _within(minutes: int, window: tuple[int, int]) -> bool:
    start, end = window
    if start <= end:
        return start <= minutes < end
    return minutes >= start or minutes < end  # a window across midnight, e.g. 22:00-06:00


def _check_hours(
    parsed: phonenumbers.PhoneNumber, region: str, to: str, settings: Settings, now: datetime
) -> None:
    window = settings.calling_window
    if not settings.calling_hours_enforced or window[1] - window[0] >= 24 * 60:
        return
    if phonenumbers.number_type(parsed) in _HOURS_EXEMPT_TYPES:
        return
    zones = callee_zones(parsed, region)
    if not zones:
        raise _forbidden(f"cannot tell the local time at {to}; not calling outside known hours")
    for name in zones:
        try:
            local = now.astimezone(ZoneInfo(name))
        except ZoneInfoNotFoundError:
            continue
        if not _within(local.hour * 60 + local.minute, window):
            raise _forbidden(
                f"it is {local:%H:%M} at {to} ({name}); calls are allowed only between "
                f"{settings.calling_hours} in the callee's local time"
            )


def _count_outbound(session: Session, *, since: datetime, to: str | None = None) -> int:
    query = (
        select(func.count())
        .select_from(Call)
        .where(Call.direction == CallDirection.outbound, col(Call.started_at) >= since)
    )
    if to is not None:
        query = query.where(Call.to_number == to)
    return int(session.exec(query).one())


def _count_active_outbound(session: Session) -> int:
    query = (
        select(func.count())
        .select_from(Call)
        .where(
            Call.direction == CallDirection.outbound,
            col(Call.status).in_([s.value for s in ACTIVE_STATUSES]),
        )
    )
    return int(session.exec(query).one())


def check_outbound(
    *, session: Session, settings: Settings, to: str, now: datetime | None = None
) -> None:
    """Raise `GuardrailRefusal` when calling `to` (E.164) now is not allowed.

    403: not a dialable number, a country not in ALLOWED_COUNTRIES, a premium-rate / shared-cost
    / non-geographic number, a number on the do-not-call list, outside calling hours at the
    callee. 429: too many calls in progress, or this number / all numbers called too often
    in the last 24 hours."""
    now = now or utcnow()
    parsed = _parse(to)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    region = destination_region(parsed)
    if region == _NON_GEOGRAPHIC:
        raise _forbidden(f"{e164} is a non-geographic (global service) number; those are blocked")
    allowed = settings.effective_allowed_countries
    if region not in allowed:
        raise _forbidden(
            f"calls to {region} numbers are not allowed (allowed countries: {', '.join(allowed)})"
        )
    kind = BLOCKED_TYPES.get(phonenumbers.number_type(parsed))
    if kind:
        raise _forbidden(f"{e164} is a {kind} number; those are blocked")
    if dnc_repo.is_listed(session=session, number=e164):
        raise _forbidden(f"{e164} is on the do-not-call list")
    _check_hours(parsed, region, e164, settings, now)
    if _count_active_outbound(session) >= settings.max_concurrent_outbound:
        raise _too_many(
            f"{settings.max_concurrent_outbound} outbound calls are already in progress; "
            "try again when one ends"
        )
    per_number = _count_outbound(session, since=now - _DAY, to=e164)
    if per_number >= settings.max_calls_per_number_per_day:
        raise _too_many(
            f"{e164} was already called {per_number} times in the last 24 hours "
            f"(limit {settings.max_calls_per_number_per_day})"
        )
    if _count_outbound(session, since=now - _DAY) >= settings.max_calls_per_day:
        raise _too_many(
            f"the daily limit of {settings.max_calls_per_day} outbound calls is reached; "
            "try again tomorrow"
        )


def add_to_do_not_call(
    *, session: Session, number: str, source: str = "caller_request", reason: str | None = None
) -> DoNotCall:
    """Put `number` on the do-not-call list (idempotent); used by the agent when a caller
    asks never to be called again, and by the API. ValueError if it is not a phone number."""
    e164 = dnc_repo.normalize_number(number)
    row, created = dnc_repo.add_entry(session=session, number=e164, source=source, reason=reason)
    if created:
        log.info("added a number to the do-not-call list (source %s)", source)
    return row
