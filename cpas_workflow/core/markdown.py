"""User Markdown to safe HTML: Python-Markdown renders, nh3 removes anything executable."""

from __future__ import annotations

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> str:
    if not text:
        return ""
    html = md.markdown(text, extensions=["tables", "sane_lists", "fenced_code"], output_format="html")
    return nh3.clean(html, url_schemes=ALLOWED_URL_SCHEMES, link_rel="noopener noreferrer nofollow")


def markdown_filter(text: str | None) -> Markup:
    """Jinja filter: `{{ submission.narrative|markdown }}` (safe because nh3 cleaned it)."""
    return Markup(render_markdown(text))
