"""User Markdown to safe HTML: Python-Markdown renders, nh3 removes anything executable.

One renderer per thread, reset before each use (a `Markdown` instance keeps state between calls and
is not thread-safe; building one per call costs more than the rendering), and the last few hundred
renderings kept: a page shows the same stored texts on every view.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
CACHED = 512  # renderings kept (texts are at most CPAS_MAX_TEXT characters)

# Deeper nesting than any real document (3,000 quote marks, a list of 200 levels) is shown as plain
# text: layout engines recurse per level, and WeasyPrint fails the whole PDF past a few hundred.
MAX_DEPTH = 24
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Depth(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag) -> None:
        if tag not in VOID:
            self.depth -= 1


def nesting(html: str) -> int:
    """How deep the elements of (well-formed, cleaned) HTML nest."""
    parser = _Depth()
    parser.feed(html)
    parser.close()
    return parser.deepest


_local = threading.local()


def _renderer() -> md.Markdown:
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = _local.renderer = md.Markdown(extensions=EXTENSIONS, output_format="html")
    return renderer


@lru_cache(maxsize=CACHED)
def _render(text: str) -> str:
    html = _renderer().reset().convert(text)
    html = nh3.clean(html, url_schemes=ALLOWED_URL_SCHEMES, link_rel="noopener noreferrer nofollow")
    if nesting(html) > MAX_DEPTH:
        # a paragraph per line: a layout engine re-measures the rest of a paragraph at each line break
        lines = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
        return f'<div class="markdown-as-text">{lines}</div>'
    return html


def render_markdown(text: str | None) -> str:
    if not text:
        return ""
    return _render(text)


def markdown_filter(text: str | None) -> Markup:
    """Jinja filter: `{{ submission.narrative|markdown }}` (safe because nh3 cleaned it)."""
    return Markup(render_markdown(text))
