"""The page frame: sidebar navigation, header with service modes, user menu, warnings."""

from dataclasses import dataclass

import reflex as rx

from callcenter.ui.state.auth import AuthState


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    route: str
    icon: str
    managers_only: bool = False


NAV: list[NavItem] = [
    NavItem("Dashboard", "/", "layout-dashboard"),
    NavItem("Calls", "/calls", "phone"),
    NavItem("Leads", "/leads", "users"),
    NavItem("Live", "/live", "radio"),
    NavItem("Campaigns", "/campaigns", "list-checks"),
    NavItem("Do not call", "/do-not-call", "phone-off"),
]
SOFTPHONE = NavItem("Call the agent", "/softphone", "headset")
USERS = NavItem("Users", "/users", "user-cog", managers_only=True)
WEBHOOKS = NavItem("Webhooks", "/webhooks", "webhook", managers_only=True)
RULE = f"1px solid {rx.color('gray', 5)}"


def nav_items(*, softphone: bool) -> list[NavItem]:
    return [*NAV, *([SOFTPHONE] if softphone else []), USERS, WEBHOOKS]


def _for_role(item: NavItem, link: rx.Component) -> rx.Component:
    """Manager-only links are not rendered for reps (their pages refuse reps as well)."""
    return rx.cond(AuthState.is_manager, link) if item.managers_only else link


def _nav_link(item: NavItem) -> rx.Component:
    return _for_role(item, _sidebar_link(item))


def _sidebar_link(item: NavItem) -> rx.Component:
    path = rx.State.router.url.path.to(str)
    if item.route == "/":
        active = (path == "/") | (path == "")
    else:
        active = (path == item.route) | path.startswith(item.route + "/")
    return rx.link(
        rx.hstack(
            rx.icon(item.icon, size=18),
            rx.text(item.label, size="3", weight="medium"),
            align="center",
            spacing="3",
            padding_x="0.75rem",
            padding_y="0.5rem",
            border_radius="var(--radius-3)",
            width="100%",
            background=rx.cond(active, rx.color("accent", 4), "transparent"),
            color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 12)),
            _hover={"background": rx.color("accent", 3)},
        ),
        href=item.route,
        underline="none",
        width="100%",
    )


def _brand() -> rx.Component:
    return rx.hstack(
        rx.icon("phone-call", size=22, color=rx.color("accent", 10)),
        rx.heading("Callcenter", size="5", weight="bold"),
        align="center",
        spacing="2",
    )


def sidebar(items: list[NavItem]) -> rx.Component:
    return rx.box(
        rx.vstack(
            _brand(),
            rx.vstack(*[_nav_link(i) for i in items], spacing="1", width="100%"),
            spacing="6",
            width="100%",
            position="sticky",
            top="1.25rem",
        ),
        display=["none", "none", "block"],
        width="15rem",
        min_width="15rem",
        padding="1.25rem",
        border_right=RULE,
        background=rx.color("gray", 2),
        align_self="stretch",
    )


def mobile_nav(items: list[NavItem]) -> rx.Component:
    """Under 768 px: the brand and a "Menu" button that opens the same links as a list."""
    return rx.hstack(
        _brand(),
        rx.spacer(),
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("menu", size=18),
                    "Menu",
                    variant="soft",
                    size="2",
                    aria_label="Open navigation",
                ),
            ),
            rx.menu.content(
                *[
                    _for_role(
                        i,
                        rx.menu.item(
                            rx.link(
                                rx.hstack(rx.icon(i.icon, size=16), rx.text(i.label), spacing="2"),
                                href=i.route,
                                underline="none",
                                width="100%",
                            ),
                        ),
                    )
                    for i in items
                ],
                align="end",
                min_width="12rem",
            ),
        ),
        display=["flex", "flex", "none"],
        align="center",
        width="100%",
        padding_x="1rem",
        padding_y="0.5rem",
        border_bottom=RULE,
        class_name="cc-mobile-nav",
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.text(AuthState.service_modes, size="1", color=rx.color("gray", 11)),
            flex="1",
            min_width="0",
        ),
        rx.hstack(
            rx.badge(AuthState.user_role, variant="soft"),
            rx.text(AuthState.user_email, size="2", display=["none", "inline"]),
            rx.button(
                rx.icon("log-out", size=16),
                "Sign out",
                variant="ghost",
                size="2",
                on_click=AuthState.sign_out,
            ),
            align="center",
            spacing="3",
        ),
        align="center",
        width="100%",
        padding_x="1.5rem",
        padding_y="0.75rem",
        border_bottom=RULE,
        wrap="wrap",
    )


def signature_warning() -> rx.Component:
    return rx.cond(
        AuthState.signature_warning,
        rx.callout(
            "Twilio signature checks are OFF: TWILIO_AUTH_TOKEN is not set, so anyone can post "
            "to the webhooks. Set it before taking real calls.",
            icon="triangle-alert",
            color_scheme="red",
            role="alert",
            margin="1rem 1.5rem 0",
        ),
    )


def frame(content: rx.Component, *, items: list[NavItem]) -> rx.Component:
    """Sidebar + header around a page's content."""
    return rx.hstack(
        sidebar(items),
        rx.box(
            mobile_nav(items),
            header(),
            signature_warning(),
            rx.box(content, padding=["1rem", "1.5rem", "2rem"], max_width="90rem"),
            flex="1",
            min_width="0",
        ),
        spacing="0",
        align="start",
        width="100%",
        min_height="100vh",
    )
