"""Static files under a content hash: `/static/app.css?v=<hash>`, cached by browsers for a year.

Every `url_for("static", filename=...)` (and the `static_url` helper templates may use) gets the hash
of the file's bytes, computed once per process; a new release changes the hash, so no browser keeps an
old stylesheet. An old or missing hash still serves the current file, but asks for revalidation instead
of a year's cache, since its content is no longer the one that hash named.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request, session, url_for
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


class StaticHashes:
    """File name → short hash of its content, each file read once in the process's life."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._hashes: dict[str, str | None] = {}

    def of(self, filename: str) -> str | None:
        if filename not in self._hashes:
            path = safe_join(self.folder, filename)
            is_file = path is not None and Path(path).is_file()
            self._hashes[filename] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12] if is_file else None
        return self._hashes[filename]


def static_url(filename: str) -> str:
    return url_for("static", filename=filename)


def _add_hash(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = current_app.extensions["cpas_static_hashes"].of(values["filename"])
        if digest:
            values["v"] = digest


def _cache_headers(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    current = current_app.extensions["cpas_static_hashes"].of(filename)
    response.headers["Cache-Control"] = IMMUTABLE if current and request.args.get("v") == current else REVALIDATE
    response.headers.pop("Expires", None)
    if not getattr(session, "modified", True):
        # The file is the same whoever asks: no `Vary: Cookie` (it would make browsers refetch it).
        session.accessed = False
    return response


def init_static(app: Flask) -> None:
    app.extensions["cpas_static_hashes"] = StaticHashes(app.static_folder)
    app.url_defaults(_add_hash)
    app.jinja_env.globals["static_url"] = static_url
    # Registered first, so it runs after the other after_request functions (a blanket no-store among them).
    app.after_request_funcs.setdefault(None, []).insert(0, _cache_headers)
