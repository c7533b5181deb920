"""User Markdown to safe HTML: Python-Markdown renders, nh3 removes anything executable.

One renderer per thread, reset before each use (a `Markdown` instance keeps state between calls and
is not thread-safe; building one per call costs more than the rendering), and the last few hundred
renderings kept: a page shows the same stored texts on every view.

E-mails get no images at all (a remote image is a tracking pixel that tells its sender who read the
message and when): a Markdown image is shown as its text, a raw <img> is dropped.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as etree
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

import markdown as md
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
CACHED = 512  # renderings kept (texts are at most CPAS_MAX_TEXT characters)
NO_IMAGES = nh3.ALLOWED_TAGS - {"img", "picture", "source", "video", "audio"}

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


class _ImagesAsText(Treeprocessor):
    """Each <img> becomes its alt text (the words the author gave the image), in place."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in reversed(list(enumerate(parent))):
                if child.tag == "img":
                    words = (child.get("alt") or "") + (child.tail or "")
                    if index == 0:
                        parent.text = (parent.text or "") + words
                    else:
                        parent[index - 1].tail = (parent[index - 1].tail or "") + words
                    parent.remove(child)


class ImagesAsText(Extension):
    def extendMarkdown(self, markdown: md.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        markdown.treeprocessors.register(_ImagesAsText(markdown), "images_as_text", 0)


def _renderer(images: bool) -> md.Markdown:
    name = "renderer" if images else "renderer_without_images"
    renderer = getattr(_local, name, None)
    if renderer is None:
        extensions = EXTENSIONS if images else [*EXTENSIONS, ImagesAsText()]
        renderer = md.Markdown(extensions=extensions, output_format="html")
        setattr(_local, name, renderer)
    return renderer


@lru_cache(maxsize=CACHED)
def _render(text: str, images: bool = True) -> str:
    html = _renderer(images).reset().convert(text)
    tags = None if images else NO_IMAGES
    html = nh3.clean(html, tags=tags, url_schemes=ALLOWED_URL_SCHEMES, link_rel="noopener noreferrer nofollow")
    if nesting(html) > MAX_DEPTH:
        # a paragraph per line: a layout engine re-measures the rest of a paragraph at each line break
        lines = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
        return f'<div class="markdown-as-text">{lines}</div>'
    return html


def render_markdown(text: str | None, *, images: bool = True) -> str:
    if not text:
        return ""
    return _render(text, images)


def markdown_filter(text: str | None) -> Markup:
    """Jinja filter: `{{ submission.narrative|markdown }}` (safe because nh3 cleaned it)."""
    return Markup(render_markdown(text))


def email_markdown_filter(text: str | None) -> Markup:
    """Jinja filter for e-mails: `{{ comment|email_markdown }}`: the same, without any image."""
    return Markup(render_markdown(text, images=False))
