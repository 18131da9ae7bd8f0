"""Common US first and last names by frequency, from the census lists the `names` package ships."""

import functools
from importlib import resources

# The 1990 US census name lists (in the MIT-licensed `names` package): one name a line, then
# its share of the population in percent, cumulative share and rank.
_FILES = {"male": "dist.male.first", "female": "dist.female.first", "last": "dist.all.last"}


@functools.cache
def _table(kind: str) -> tuple[tuple[str, float], ...]:
    text = resources.files("names").joinpath(_FILES[kind]).read_text(encoding="ascii")
    rows = (line.split() for line in text.splitlines())
    return tuple((row[0].lower(), float(row[1])) for row in rows if len(row) >= 2)


def first_names(limit: int) -> list[tuple[str, float]]:
    """The `limit` most common first names (men's and women's together), with their share."""
    shares: dict[str, float] = {}
    for kind in ("male", "female"):
        for name, share in _table(kind):
            shares[name] = shares.get(name, 0.0) + share / 2  # each list covers half the people
    return sorted(shares.items(), key=lambda item: -item[1])[:limit]


def last_names(limit: int) -> list[tuple[str, float]]:
    """The `limit` most common last names, with their share."""
    return list(_table("last")[:limit])
