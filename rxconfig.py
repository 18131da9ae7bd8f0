"""Reflex configuration: the dashboard app, with defaults that work offline."""

import os

# Set before Reflex is imported: it reads these while loading.
os.environ.setdefault("REFLEX_USE_NPM", "1")  # bun is not always installable
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "0")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

import reflex as rx  # noqa: E402
from reflex_base.plugins.sitemap import SitemapPlugin  # noqa: E402

config = rx.Config(
    app_name="callcenter",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Redis (when set) shares state across backend workers, so live updates reach every browser.
    redis_url=os.environ.get("REDIS_URL") or None,
    # The sitemap is useless behind a login.
    disable_plugins=[SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium")
        )
    ],
    default_color_mode="system",
)
