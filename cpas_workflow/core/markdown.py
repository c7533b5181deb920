"""User Markdown to safe HTML: Python-Markdown renders, nh3 removes anything executable.

One renderer per thread, reset before each use (a `Markdown` instance keeps state between calls and
is not thread-safe; building one per call costs more than the rendering), and the last few hundred
renderings kept: a page shows the same stored texts on every view.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
CACHED = 512  # renderings kept (texts are at most CPAS_MAX_TEXT characters)

_local = threading.local()


def _renderer() -> md.Markdown:
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = _local.renderer = md.Markdown(extensions=EXTENSIONS, output_format="html")
    return renderer


@lru_cache(maxsize=CACHED)
def _render(text: str) -> str:
    html = _renderer().reset().convert(text)
    return nh3.clean(html, url_schemes=ALLOWED_URL_SCHEMES, link_rel="noopener noreferrer nofollow")


def render_markdown(text: str | None) -> str:
    if not text:
        return ""
    return _render(text)


def markdown_filter(text: str | None) -> Markup:
    """Jinja filter: `{{ submission.narrative|markdown }}` (safe because nh3 cleaned it)."""
    return Markup(render_markdown(text))
