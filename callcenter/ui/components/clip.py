"""Text that keeps its place: one line cut with an ellipsis, the whole of it on hover."""

from typing import Any

import reflex as rx

ELLIPSIS = {"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"}
# Long words (a 300-character name without spaces) wrap instead of widening the page.
WRAP_ANYWHERE = {"overflow_wrap": "anywhere", "word_break": "break-word", "min_width": "0"}


def clipped(text: Any, *, max_width: str = "16rem", **props: Any) -> rx.Component:
    """`text` on one line at most `max_width` wide; the full text is its tooltip (`title`)."""
    return rx.text(text, title=text, size="2", max_width=max_width, **ELLIPSIS, **props)


def clipped_link(text: Any, href: Any, *, max_width: str = "16rem", **props: Any) -> rx.Component:
    """A link cut the same way."""
    return rx.link(
        text, href=href, title=text, display="block", max_width=max_width, **ELLIPSIS, **props
    )
