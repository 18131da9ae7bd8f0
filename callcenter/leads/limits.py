"""How long each lead field may be: what the tables hold, checked before saving an edit."""

from callcenter.leads.normalize import FieldError

FIELD_LIMITS: dict[str, int] = {
    "name": 200,
    "email": 320,
    "phone": 32,
    "business_type": 200,
    "need": 2000,
}
NOTE_LIMIT = 5000


def check_length(key: str, value: str) -> None:
    """FieldError when `value` is longer than field `key` may be (nothing is cut silently)."""
    limit = FIELD_LIMITS.get(key)
    length = len(value.strip())
    if limit is not None and length > limit:
        raise FieldError(key, f"is {length} characters long; at most {limit} fit")
