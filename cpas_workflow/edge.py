"""The edge of every request: what no handler should ever see is refused here, before routing to a view.

A NUL character in the path, the query string or a form field cannot be stored (PostgreSQL refuses it)
and has no meaning in any field of this application: 400 at once.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in items) for key, items in values.lists())


def refuse_nul_characters() -> None:
    if "\x00" in request.path or _has_nul(request.args):
        raise BadRequest("The address contains a NUL character.")
    if request.mimetype in FORM_TYPES and request.method in ("POST", "PUT", "PATCH") and _has_nul(request.form):
        raise BadRequest("A field of the form contains a NUL character.")


def register_edge(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
