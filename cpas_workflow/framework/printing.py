"""What the PDF renderer (WeasyPrint) may load: the app's own static files and nothing else.

Reports and factsheets hold text other people typed, Markdown images included. A renderer that
followed those addresses would wait on (or be steered by) outside servers, and one unreachable
image used to fail the whole report. So images that point outside the app are replaced by a
visible placeholder before rendering, and the fetcher refuses every address but a static file."""

from __future__ import annotations

import mimetypes
import re
from html import escape
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative addresses in a printed page resolve against this base; only /static/ under it is served.
STATIC_BASE = "https://cpas-workflow.invalid/"
STATIC_PREFIXES = (STATIC_BASE + "static/", "/static/")
IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
TEXT = re.compile(r">([^<]+)<")
# A run this long without a space (a pasted address, a row of symbols) gets break opportunities:
# WeasyPrint's line breaking of one very long word takes time that grows with its square.
LONG_RUN = re.compile(r"(?:&#?\w+;|[^\s<>&\u200b]){60}")  # an entity (&gt;) counts as one character
ATTRIBUTE = re.compile(r'\b(src|alt)\s*=\s*"([^"]*)"', re.IGNORECASE)


class OutsideAddress(ValueError):
    """The renderer asked for something that is not one of the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's static folder to WeasyPrint and refuses every other address."""

    def __init__(self, static_folder: str | None = None) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)
        self.root = Path(static_folder or current_app.static_folder).resolve()

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIXES[0]):
            raise OutsideAddress(f"a printed page loads nothing from outside the app ({url[:200]})")
        path = (self.root / url[len(STATIC_PREFIXES[0]) :].split("?")[0].split("#")[0]).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise OutsideAddress(f"no such static file ({url[:200]})")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _placeholder(tag: re.Match) -> str:
    found = {name.lower(): value for name, value in ATTRIBUTE.findall(tag.group(0))}
    if found.get("src", "").startswith(STATIC_PREFIXES):
        return tag.group(0)
    # `alt` is already escaped as an attribute value: shown as text it stays escaped
    alt = found.get("alt", "").strip()
    words = escape(_("image not included")) + (f": {alt}" if alt else "")
    return f'<span class="image-placeholder">[{words}]</span>'


def outside_images_dropped(html: str) -> str:
    """The page with every image that is not a static file of the app replaced by a placeholder."""
    return IMAGE.sub(_placeholder, html)


def breakable(html: str) -> str:
    """Zero-width break opportunities in long unbroken runs of text (never inside a tag or entity)."""
    return TEXT.sub(lambda m: ">" + LONG_RUN.sub(lambda run: run.group(0) + "\u200b", m.group(1)) + "<", html)


def printable(html: str) -> str:
    """A page ready for WeasyPrint: no outside images, no endless words."""
    return breakable(outside_images_dropped(html))
