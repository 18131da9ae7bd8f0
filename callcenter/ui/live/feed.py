"""The recent-activity feed's rules: newest first, one line per thing that happened."""

from callcenter.ui.live.cards import Activity


def lead_key(call_id: int) -> str:
    """One "Lead captured" line per call, however many fields the agent fills in."""
    return f"lead-{call_id}"


def merged(feed: list[Activity], item: Activity, *, limit: int) -> list[Activity]:
    """`feed` with `item` added, or replacing the line with its key (where it was first shown),
    ordered by time, newest first, at most `limit` lines."""
    kept = [line for line in feed if line.key != item.key]
    if len(kept) < len(feed):
        old = next(line for line in feed if line.key == item.key)
        item.at, item.time = old.at, old.time  # the lead was captured when first heard
    return sorted([item, *kept], key=lambda line: line.at, reverse=True)[:limit]


def newest_first(feed: list[Activity], *, limit: int) -> list[Activity]:
    return sorted(feed, key=lambda line: line.at, reverse=True)[:limit]
