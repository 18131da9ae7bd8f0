"""A duration that ticks in the browser (a tiny React timer; the server is never asked)."""

import reflex as rx


class Elapsed(rx.Component):
    """Shows m:ss since `since` (ISO time), updated every second by the browser itself."""

    library = "$/public/elapsed.js"
    tag = "Elapsed"
    is_default = False

    since: rx.Var[str]


elapsed = Elapsed.create
