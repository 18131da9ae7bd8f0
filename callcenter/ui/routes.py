"""Every dashboard route, wrapped in the layout and guarded by a session check on load."""

import importlib
import logging
from collections.abc import Callable

import reflex as rx

from callcenter.ui.layout import frame, nav_items
from callcenter.ui.pages.call_detail import CallDetailState, call_detail_page
from callcenter.ui.pages.calls import CallsState, calls_page
from callcenter.ui.pages.campaign_detail import CampaignDetailState, campaign_detail_page
from callcenter.ui.pages.campaigns import CampaignsState, campaigns_page
from callcenter.ui.pages.dashboard import DashboardState, dashboard_page
from callcenter.ui.pages.do_not_call import DoNotCallState, do_not_call_page
from callcenter.ui.pages.lead_detail import LeadDetailState, lead_detail_page
from callcenter.ui.pages.leads import LeadsState, leads_page
from callcenter.ui.pages.live import LivePageState, live_page
from callcenter.ui.pages.login import LoginState, login_page
from callcenter.ui.pages.softphone_state import SoftphoneState
from callcenter.ui.pages.users import UsersState, users_page
from callcenter.ui.pages.webhooks import WebhooksState, webhooks_page

log = logging.getLogger(__name__)

PageFn = Callable[[], rx.Component]


def _softphone() -> PageFn | None:
    """The browser softphone page, when that module is present."""
    try:
        module = importlib.import_module("callcenter.ui.pages.softphone")
    except ModuleNotFoundError as exc:
        if exc.name == "callcenter.ui.pages.softphone":
            return None
        raise
    page: PageFn | None = getattr(module, "softphone_page", None)
    return page


def register_pages(app: rx.App) -> None:
    softphone = _softphone()
    items = nav_items(softphone=softphone is not None)

    def framed(page: PageFn) -> PageFn:
        def render() -> rx.Component:
            return frame(page(), items=items)

        render.__name__ = page.__name__
        return render

    pages: list[tuple[str, str, PageFn, object]] = [
        ("/", "Dashboard", dashboard_page, DashboardState.on_load),
        ("/calls", "Calls", calls_page, CallsState.on_load),
        ("/calls/[call_id]", "Call", call_detail_page, CallDetailState.on_load),
        ("/leads", "Leads", leads_page, LeadsState.on_load),
        ("/leads/[lead_id]", "Lead", lead_detail_page, LeadDetailState.on_load),
        ("/live", "Live", live_page, LivePageState.on_load),
        ("/campaigns", "Campaigns", campaigns_page, CampaignsState.on_load),
        ("/campaigns/[campaign_id]", "Campaign", campaign_detail_page, CampaignDetailState.on_load),
        ("/do-not-call", "Do not call", do_not_call_page, DoNotCallState.on_load),
        ("/users", "Users", users_page, UsersState.on_load),
        ("/webhooks", "Webhooks", webhooks_page, WebhooksState.on_load),
    ]
    for route, title, page, on_load in pages:
        app.add_page(framed(page), route=route, title=f"{title} · Callcenter", on_load=on_load)
    if softphone is not None:
        app.add_page(
            framed(softphone),
            route="/softphone",
            title="Call the agent · Callcenter",
            on_load=SoftphoneState.on_load,
        )
    app.add_page(
        login_page, route="/login", title="Sign in · Callcenter", on_load=LoginState.on_load
    )
