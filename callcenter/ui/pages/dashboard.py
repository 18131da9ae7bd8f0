"""`/`: stats, charts, the live activity feed and the make-call form."""

import asyncio
from typing import Any

import reflex as rx

from callcenter import phones
from callcenter.calls.outbound import InvalidNumber, normalize_number
from callcenter.config import get_settings
from callcenter.ui.components.clip import WRAP_ANYWHERE
from callcenter.ui.components.common import (
    error_alert,
    page_header,
    placed_call_link,
    section,
    skeleton_rows,
    stat_tile,
    two_thirds,
)
from callcenter.ui.live.state import LIVE_TOKEN, LiveState
from callcenter.ui.pages.board import BoardState, DashView, link_board
from callcenter.ui.pages.dashboard_data import PERIODS, LeadOption, Tile, load_dashboard
from callcenter.ui.state.auth import AuthState
from callcenter.ui.state.dialing import dial


def check_number(raw: str, region: str) -> tuple[bool, str]:
    """Validate as the user types: (valid, message). Empty input is not an error yet.
    Uses the same rule as the API, so the form never refuses a number the API would dial."""
    text = raw.strip()
    if not text:
        return False, ""
    try:
        e164 = normalize_number(text, default_region=region)
    except InvalidNumber as exc:
        return False, f"{str(exc)[:1].upper()}{str(exc)[1:]}."
    return True, f"Will dial {phones.display(e164)}"


class DashboardState(AuthState):
    period: rx.Field[str] = rx.field("7d")
    loading: rx.Field[bool] = rx.field(True)
    tiles: rx.Field[list[Tile]] = rx.field(default_factory=list)
    per_day: rx.Field[list[dict[str, str | int]]] = rx.field(default_factory=list)
    outcomes: rx.Field[list[dict[str, str | int]]] = rx.field(default_factory=list)
    funnel: rx.Field[list[dict[str, str | int]]] = rx.field(default_factory=list)
    lead_options: rx.Field[list[LeadOption]] = rx.field(default_factory=list)

    phone: rx.Field[str] = rx.field("")
    phone_ok: rx.Field[bool] = rx.field(False)
    phone_hint: rx.Field[str] = rx.field("")
    lead_id: rx.Field[str] = rx.field("")
    placing: rx.Field[bool] = rx.field(False)
    call_error: rx.Field[str] = rx.field("")
    placed_call_id: rx.Field[int] = rx.field(0)

    @rx.event
    async def on_load(self):
        if await self.current_user() is None:
            return self.login_redirect()
        live = await self.get_state(LiveState)
        await live._link_to(LIVE_TOKEN)
        await link_board(self)
        return DashboardState.refresh

    @rx.event
    async def refresh(self):
        self.loading = True
        yield
        data = await asyncio.to_thread(load_dashboard, self.period)
        self.tiles, self.per_day = data.tiles, data.per_day
        self.outcomes, self.funnel = data.outcomes, data.funnel
        self.lead_options = data.leads
        self.loading = False

    @rx.event
    def set_period(self, period: str | list[str]):
        if isinstance(period, str) and period in PERIODS:
            self.period = period
            return DashboardState.refresh

    @rx.event
    def set_phone(self, value: str):
        self.phone = value
        self.call_error = ""
        self.phone_ok, self.phone_hint = check_number(value, get_settings().caller_id_region)

    @rx.event
    def set_lead(self, value: str):
        self.lead_id = "" if value == "none" else value

    @rx.event
    async def place_call(self):
        self.call_error = ""
        self.placed_call_id = 0
        user = await self.current_user()
        if user is None:
            yield self.login_redirect()
            return
        if not user.is_manager:
            self.call_error = "Only managers can place calls."
            return
        self.placing = True
        yield
        try:
            outcome = await dial(self.phone.strip(), int(self.lead_id) if self.lead_id else None)
        finally:
            self.placing = False
        self.call_error, self.placed_call_id = outcome.error, outcome.call_id


def _shown(name: str, item: type = dict) -> Any:
    """The live board's value for the chosen period once it has one, else this page's own."""
    views: Any = BoardState.views.to(dict[str, DashView])
    live = views[DashboardState.period].to(DashView)
    kind = list[item]  # type: ignore[valid-type]
    return rx.cond(
        BoardState.views.contains(DashboardState.period),
        getattr(live, name).to(kind),
        getattr(DashboardState, name).to(kind),
    ).to(kind)


def _period_picker() -> rx.Component:
    return rx.segmented_control.root(
        *[rx.segmented_control.item(label, value=key) for key, label in PERIODS.items()],
        value=DashboardState.period,
        on_change=DashboardState.set_period,
    )


def _tile_grid(*tiles: rx.Component) -> rx.Component:
    columns = rx.breakpoints(initial="2", sm="3", lg="4", xl="7")
    return rx.grid(*tiles, columns=columns, spacing="3", width="100%")


def _tiles() -> rx.Component:
    return rx.cond(
        DashboardState.loading & (DashboardState.tiles.length() == 0),
        _tile_grid(*[rx.skeleton(rx.box(height="5.5rem"), loading=True) for _ in range(7)]),
        _tile_grid(
            rx.foreach(_shown("tiles", Tile), lambda t: stat_tile(t.label, t.value, t.hint))
        ),
    )


def _bar(data_key: str, name: str, color: str) -> rx.Component:
    return rx.recharts.bar(
        data_key=data_key, fill=rx.color(color, 8), name=name, is_animation_active=False
    )


def _horizontal_bars(data: rx.Var, category: str, bar: rx.Component, width: int) -> rx.Component:
    """One bar per category, labels on the left: long labels never run into each other."""
    return rx.recharts.bar_chart(
        rx.recharts.x_axis(type_="number", allow_decimals=False),
        rx.recharts.y_axis(data_key=category, type_="category", width=width, interval=0),
        rx.recharts.graphing_tooltip(),
        bar,
        data=data,
        layout="vertical",
        height=260,
        width="100%",
    )


def _charts() -> rx.Component:
    per_day = rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        rx.recharts.x_axis(data_key="day"),
        rx.recharts.y_axis(allow_decimals=False),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        _bar("calls", "Calls", "accent"),
        _bar("answered", "Answered", "green"),
        _bar("leads", "Leads", "violet"),
        data=_shown("per_day"),
        height=260,
        width="100%",
    )
    outcomes = _horizontal_bars(
        _shown("outcomes"), "outcome", _bar("calls", "Calls", "accent"), 110
    )
    funnel = _horizontal_bars(_shown("funnel"), "stage", _bar("leads", "Leads", "violet"), 90)
    return rx.vstack(
        section("Calls per day", per_day),
        rx.grid(
            section(
                "Outcomes",
                rx.cond(
                    _shown("outcomes").length() > 0,
                    outcomes,
                    rx.text("No calls in this period yet.", size="2"),
                ),
            ),
            section("Lead funnel", funnel),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def make_call_form() -> rx.Component:
    return section(
        "Make a call",
        rx.form(
            rx.vstack(
                rx.el.label(
                    "Phone number", html_for="call-phone", font_weight="500", font_size="0.9rem"
                ),
                rx.input(
                    id="call-phone",
                    name="phone",
                    type="tel",
                    placeholder="+1 555 123 4567",
                    value=DashboardState.phone,
                    on_change=DashboardState.set_phone,
                    width="100%",
                    auto_complete="off",
                ),
                rx.cond(  # once refused, the alert below says it (not twice)
                    (DashboardState.phone_hint != "") & (DashboardState.call_error == ""),
                    rx.text(
                        DashboardState.phone_hint,
                        size="1",
                        color=rx.cond(
                            DashboardState.phone_ok, rx.color("green", 11), rx.color("amber", 11)
                        ),
                    ),
                ),
                rx.el.label(
                    "Lead (optional)", html_for="call-lead", font_weight="500", font_size="0.9rem"
                ),
                rx.select.root(
                    rx.select.trigger(placeholder="No lead", id="call-lead", width="100%"),
                    rx.select.content(
                        rx.select.item("No lead", value="none"),
                        rx.foreach(
                            DashboardState.lead_options,
                            lambda o: rx.select.item(o.label, value=o.id),
                        ),
                    ),
                    value=rx.cond(DashboardState.lead_id == "", "none", DashboardState.lead_id),
                    on_change=DashboardState.set_lead,
                ),
                rx.button(
                    rx.icon("phone-outgoing", size=16),
                    "Call",
                    type="submit",
                    loading=DashboardState.placing,
                    disabled=~DashboardState.is_manager,
                    width="100%",
                ),
                rx.cond(
                    ~DashboardState.is_manager,
                    rx.text("Only managers can place calls.", size="1", color=rx.color("gray", 11)),
                ),
                error_alert(DashboardState.call_error),
                placed_call_link(DashboardState.placed_call_id, "Call placed."),
                spacing="2",
                width="100%",
            ),
            on_submit=lambda _form: DashboardState.place_call(),
            reset_on_submit=False,
        ),
    )


def activity_feed() -> rx.Component:
    return section(
        "Recent activity",
        rx.cond(
            LiveState.activity.length() > 0,
            rx.vstack(
                rx.foreach(
                    LiveState.activity,
                    lambda a: rx.hstack(
                        rx.icon("dot", size=16, color=rx.color("accent", 9)),
                        rx.link(  # whole, wrapping if need be: no line is cut
                            a.text,
                            href="/calls/" + a.call_id.to_string(),
                            size="2",
                            flex="1",
                            **WRAP_ANYWHERE,
                        ),
                        rx.text(a.time, size="1", color=rx.color("gray", 10), white_space="nowrap"),
                        width="100%",
                        align="center",
                    ),
                ),
                spacing="1",
                width="100%",
            ),
            rx.text(
                "Nothing yet. New calls, ended calls and captured leads appear here "
                "as they happen.",
                size="2",
                color=rx.color("gray", 11),
            ),
        ),
        rx.text(
            LiveState.active_count.to_string() + " call(s) in progress — ",
            rx.link("open Live", href="/live"),
            size="2",
        ),
    )


def dashboard_page() -> rx.Component:
    return rx.vstack(
        page_header("Dashboard", "Calls, leads and how the agent is doing.", _period_picker()),
        _tiles(),
        two_thirds(
            rx.cond(
                DashboardState.loading & (DashboardState.per_day.length() == 0),
                skeleton_rows(6, "3rem"),
                _charts(),
            ),
            rx.vstack(
                make_call_form(),
                activity_feed(),
                spacing="3",
                width="100%",
                # On a phone the form comes before the charts.
                order=rx.breakpoints(initial="-1", lg="0"),
            ),
        ),
        spacing="4",
        width="100%",
    )
