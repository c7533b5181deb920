"""Where the app may send a browser back to: its own paths only, never another site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def safe_path(target: str | None) -> str | None:
    """`target` if it is a path of this site ("/x?y"), else None. Refused: absolute and
    scheme-relative URLs ("//evil.example"), backslashes (browsers read "/\\evil.example" as a host)
    and control characters."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def same_site_referrer() -> str | None:
    """The page the browser came from, as a path, if it is a page of this site (else None)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.scheme != request.scheme or parts.netloc != request.host:
        return None
    return safe_path(parts.path + (f"?{parts.query}" if parts.query else ""))
