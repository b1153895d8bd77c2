"""What the portal's Atom feeds say about an item.

Atom puts an item's summary in ``<summary type="html">``: a feed reader renders it as HTML.
The texts summarised (drafts, decisions, documents) are plain text, shown escaped on the pages;
a feed must not turn a ``<script>`` a drafter typed into live markup in every reader. So the
summary is the text escaped, its line breaks kept, and then passed through nh3 allowing only
those line breaks: plain text by construction, sanitised HTML in case that ever changes.
"""

import nh3
from django.utils.html import linebreaks

SUMMARY_CHARS = 500
_ALLOWED_TAGS = {"p", "br"}


def feed_summary(text: str, *, limit: int = SUMMARY_CHARS) -> str:
    """The first ``limit`` characters of ``text`` (an ellipsis when cut), as safe HTML."""
    text = text or ""
    if len(text) > limit:
        text = text[:limit] + "…"
    return nh3.clean(linebreaks(text, autoescape=True), tags=_ALLOWED_TAGS, attributes={})
