"""Interpreter settings for an audio event loop: the thread switch interval and the collector."""

import gc
import sys

# A worker thread running Python (a database write) keeps the GIL until the event loop has
# asked for it this long; the default 5 ms lands on a frame's latency. 1 ms bounds it.
SWITCH_INTERVAL_S = 0.001

# Young collections every 700 allocations (the default) run hundreds of times a second at 50
# calls; every 20,000 they stay short and rare. The older generations follow the defaults.
GC_THRESHOLDS = (20_000, 10, 10)


def favour_the_event_loop() -> None:
    """Make threads hand the GIL back to the event loop within a millisecond."""
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)


def settle_the_heap() -> None:
    """Once started, move every object alive (modules, settings, caches) out of the
    collector's sight: a full collection then scans only what calls allocate, so it takes
    milliseconds instead of pausing every call's audio for a hundred or more."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
