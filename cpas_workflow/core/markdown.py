"""User Markdown to safe HTML: Python-Markdown renders, nh3 removes anything executable."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
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


def render_markdown(text: str | None) -> str:
    if not text:
        return ""
    html = md.markdown(text, extensions=["tables", "sane_lists", "fenced_code"], output_format="html")
    html = nh3.clean(html, url_schemes=ALLOWED_URL_SCHEMES, link_rel="noopener noreferrer nofollow")
    if nesting(html) > MAX_DEPTH:
        # a paragraph per line: a layout engine re-measures the rest of a paragraph at each line break
        lines = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
        return f'<div class="markdown-as-text">{lines}</div>'
    return html


def markdown_filter(text: str | None) -> Markup:
    """Jinja filter: `{{ submission.narrative|markdown }}` (safe because nh3 cleaned it)."""
    return Markup(render_markdown(text))
