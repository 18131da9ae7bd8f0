"""The interpreter's thread switch interval, short enough for an audio event loop."""

import sys

# A worker thread running Python (a database write) keeps the GIL until the event loop has
# asked for it this long; the default 5 ms lands on a frame's latency. 1 ms bounds it.
SWITCH_INTERVAL_S = 0.001


def favour_the_event_loop() -> None:
    """Make threads hand the GIL back to the event loop within a millisecond."""
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)
