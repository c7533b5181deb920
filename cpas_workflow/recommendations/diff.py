"""What leadership changed in an amended recommendation, as a word-level difference for pages.

Both texts are escaped word by word before they are marked up, so whatever was typed (Markdown,
HTML, scripts) reaches the page as text: the only tags in the result are the `<del>` and `<ins>`
made here. Line breaks are kept as words of their own, so a changed paragraph reads as one.
"""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\n|[^\S\n]+|[^\s]+")
# Markdown's emphasis and heading marks are left out of the comparison: "**community**" and
# "community" read as the same word, and the marks would clutter every struck-out word.
_MARKS = re.compile(r"(?<!\\)[*_`]+|^#+")
MAX_TOKENS = 20_000  # beyond this, difflib's quadratic worst case costs more than a page may wait


def _tokens(text: str) -> list[str]:
    words = (_MARKS.sub("", w) for w in _TOKENS.findall(text.replace("\r\n", "\n")))
    return [w for w in words if w]


def _span(tag: str, words: list[str]) -> str:
    inner = "".join(str(escape(w)) for w in words)
    if not inner.strip():
        return inner
    return f'<{tag} class="diff-{tag}">{inner}</{tag}>'


def word_diff(before: str, after: str) -> Markup:
    """`before` and `after` as one text: removed words struck out, added words underlined."""
    old, new = _tokens(before or ""), _tokens(after or "")
    if len(old) + len(new) > MAX_TOKENS:
        return Markup(_span("del", old) + "\n" + _span("ins", new))
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append("".join(str(escape(w)) for w in old[a1:a2]))
            continue
        if op in ("delete", "replace"):
            parts.append(_span("del", old[a1:a2]))
        if op in ("insert", "replace"):
            parts.append(_span("ins", new[b1:b2]))
    return Markup("".join(parts))
