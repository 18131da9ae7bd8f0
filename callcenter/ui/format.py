"""Display formatting shared by pages: phone numbers, durations, timestamps."""

from datetime import UTC, datetime

from callcenter import phones


def phone_display(number: str | None) -> str:
    """`+15551234567` → `+1 555-123-4567` (the one display format); "unknown" when absent."""
    return phones.display(number, missing="unknown")


def duration(seconds: int | float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def usd(amount: float | None) -> str:
    """A price in US dollars: cents from a dollar up, four decimals below (a call's AI
    costs a few cents); "—" for none."""
    if amount is None:
        return "—"
    return f"${amount:,.2f}" if amount >= 1 or amount == 0 else f"${amount:.4f}"


def timestamp(value: datetime | None) -> str:
    """A compact UTC timestamp for tables: `2026-11-28 05:31`."""
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def feed_time(value: datetime, *, now: datetime | None = None) -> str:
    """`14:03:07` for today (UTC), `Nov 27 14:03` for earlier days."""
    now = now or datetime.now(UTC)
    return value.strftime("%H:%M:%S" if value.date() == now.date() else "%b %d %H:%M")


def clock(value: datetime | None) -> str:
    return value.strftime("%H:%M:%S") if value else ""


def id_from_path(path: str) -> int:
    """The numeric id at the end of a path like `/calls/12/` (0 when there is none)."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else 0


def field_message(exc: ValueError, labels: dict[str, str]) -> str:
    """A refused field edit as one sentence: `Name is 330 characters long; at most 200 fit.`"""
    field = getattr(exc, "field", None)
    reason = str(getattr(exc, "reason", exc)).strip().rstrip(".")
    if field is None:
        text = reason
    elif reason.startswith("'"):
        text = reason  # it quotes the value already: "'12ab' is not a phone number"
    else:
        text = f"{labels.get(field, field)} {reason}"
    return text[:1].upper() + text[1:] + "."
