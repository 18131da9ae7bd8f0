"""Helper processes that end with the process that started them.

A decoder process holds a model (~500 MB). When the server is killed or crashes, its
`ProcessPoolExecutor` workers do not notice: each holds both ends of its job queue's pipe, so
it waits on it forever. `exit_with_parent` gives such a process a thread that waits for the
parent to go (a pidfd, readable when the process ends) and then exits.
"""

import os
import select
import threading
import time

POLL_S = 1.0  # where pidfds are missing: how often to ask who the parent is


def exit_with_parent(parent: int) -> None:
    """End this process (at once, without clean-up) when `parent` ends; at once if it has.

    `parent` is the pid the starting process handed over, not `os.getppid()` read here: a
    process is started long before it runs this (imports take seconds), and a parent killed in
    between has left it to init already, so the pid it would read is init's. The process must
    be `parent`'s own child (a "spawn" or "fork" context, not "forkserver")."""
    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    try:
        handle = os.pidfd_open(parent)
    except (AttributeError, OSError):  # not Linux 5.3 or later, or the parent is gone
        handle = None
    if handle is not None and os.getppid() == parent:
        select.select([handle], [], [])  # readable once the parent has ended
    else:
        while os.getppid() == parent:
            time.sleep(POLL_S)
    os._exit(0)
