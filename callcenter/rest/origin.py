"""Cross-site write refusal: a browser attaches the session cookie to requests other sites
make, so a cookie-authenticated write must come from a page of our own origin."""

from urllib.parse import urlsplit

from fastapi import HTTPException, Request, status

from callcenter.config import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def own_origins(request: Request, settings: Settings) -> set[str]:
    """PUBLIC_BASE_URL's origin, and the origin the request was addressed to."""
    origins = {_origin(settings.public_base_url)}
    host = request.headers.get("host")
    if host:
        origins.add(f"{request.url.scheme}://{host}".lower())
    return {origin for origin in origins if origin}


def refuse_cross_site_write(request: Request, settings: Settings) -> None:
    """403 for an unsafe method whose `Origin` (or, lacking one, `Referer`) is missing or
    another site's; reads pass."""
    if request.method.upper() in SAFE_METHODS:
        return
    origin = _origin(request.headers.get("origin")) or _origin(request.headers.get("referer"))
    if origin is None or origin not in own_origins(request, settings):
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail=(
                "cross-site request refused: a write with the session cookie must come from "
                "this site's own pages (or use Authorization: Bearer)"
            ),
        )
