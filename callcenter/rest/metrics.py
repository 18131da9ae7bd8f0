"""`GET /metrics`: Prometheus text format (no secrets, no per-caller data, no auth)."""

from fastapi import APIRouter, Response

from callcenter import metrics
from callcenter.db.session import get_engine

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
def scrape() -> Response:
    """Process timings plus call numbers read from the database now."""
    return Response(metrics.render(get_engine()), media_type=metrics.CONTENT_TYPE)
