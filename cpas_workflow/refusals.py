"""How a refusal becomes a response, in one place: the API's JSON error body, the page's message.

A domain error (core/errors) is raised where its rule is. Here, and only here, it becomes HTTP: for
`/api/` a JSON body `{"error": {"code", "message", "fields"?}}` with its status; for a page, its
message on the form that caused it (`refusal_status`), or, where no form can hold it, the error page
(404, 403) or a flash message on the page the person came from. Both kinds of request end through
the same `commit`, so a concurrent change (a stale version, a locked row) is a 409 with a clear
message on a page exactly as in the API.
"""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from cpas_workflow.core.errors import Conflict, DomainError, Forbidden, NotFound, Throttled
from cpas_workflow.extensions import db

HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


def commit() -> None:
    """The request boundary (a page or the API): commit once; a concurrent writer's win is a Conflict."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            _("Someone else changed this at the same moment: nothing was saved. Reload and try again.")
        ) from None
    except OperationalError as exc:
        db.session.rollback()
        if "locked" in str(exc).lower():
            raise Conflict(
                _("Someone else is changing this right now: nothing was saved. Try again in a moment.")
            ) from None
        raise


def is_api() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """The API's error body."""
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def allow_header(response, exc: HTTPException):
    """A 405 says which methods the address does take."""
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


def refusal_status(exc: DomainError, form) -> int:
    """Put a refused operation's message on the form field it names (or the form); the status to
    re-render with (409 for a conflict, else 422). Not-found and forbidden are not form problems:
    they go on up to the handlers below."""
    if isinstance(exc, NotFound | Forbidden):
        raise exc
    placed = False
    for name in exc.fields:
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.append(exc.message)
            placed = True
    if not placed:
        form.form_errors.append(exc.message)
    return 409 if isinstance(exc, Conflict) else 422


def attempt(form, act) -> int | None:
    """A page's form, end to end below the view: validate it, take the step (`act()`, an operation)
    and commit. None when it was done; else the status to draw the form again with, the refusal on
    its field or on the form (422 invalid or refused by a rule, 409 a conflict), nothing written."""
    if not form.validate_on_submit():
        return 422
    try:
        act()
        commit()
    except DomainError as exc:
        db.session.rollback()
        return refusal_status(exc, form)
    return None


def kept_refusal(key: str, form, url: str, **extra):
    """A refused page form, post/redirect/get: what was typed and every error are kept in the form
    stash under `key` for the page at `url` (which draws them with `kept_form`), nothing else written;
    a reload of that page sends nothing again."""
    from flask_login import current_user

    from cpas_workflow.core import stash

    typed = {k: v for k, v in request.form.items() if not k.endswith("csrf_token")}
    stash.keep(current_user, key, {"typed": typed, "errors": stash.errors_of(form), **extra})
    db.session.commit()
    return redirect(url)


def kept_form(form_class, key: str, **kwargs):
    """The form refused under `key` as it was typed, with its errors, when the page is opened from the
    refusal's redirect (`?kept=1`); else None. The kept dict's extras are on `form.kept`."""
    from flask_login import current_user

    from cpas_workflow.core import stash

    kept = stash.kept(current_user, key) if request.args.get("kept") else None
    if not kept:
        return None
    form = stash.refill(form_class, kept["typed"], kept["errors"], **kwargs)
    form.kept = kept
    return form


def _page(status: int, message: str):
    return render_template("errors.html", status=status, message=message), status


def domain_error(exc: DomainError):
    db.session.rollback()
    if is_api():
        response = error_response(exc.status, exc.code, exc.message, exc.fields)
        if isinstance(exc, Throttled):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, NotFound):
        return _page(404, _("Not found."))
    if isinstance(exc, Forbidden):
        return _page(403, _("You may not do this here."))
    from cpas_workflow.core.redirects import same_site_referrer

    flash(exc.message, "error")
    return redirect(same_site_referrer() or url_for("web.index"))


def http_error(exc: HTTPException):
    """Werkzeug's own refusals (no such address, wrong method, too large…): JSON for the API, the
    error page elsewhere (a 405 on a page keeps Werkzeug's answer, with its Allow header)."""
    if is_api():
        db.session.rollback()
        if exc.code == 404 and exc.description == exc.__class__.description:
            message = "no such endpoint"
        elif exc.code == 405:
            message = f"{request.method} is not allowed here"
        else:
            message = exc.description or exc.name
        code = HTTP_CODES.get(exc.code, "http_error")
        return allow_header(error_response(exc.code or 500, code, message), exc)
    if exc.code in (400, 404):
        return _page(exc.code, exc.description)
    return exc


def internal_error(exc):
    db.session.rollback()
    if is_api():
        return error_response(500, "internal_error", "something went wrong on the server; it has been logged")
    return exc


def csrf_refused(exc: CSRFError):
    message = _("This form has expired or did not come from this site. Reload the page and try again.")
    return _page(400, message)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(CSRFError, csrf_refused)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, internal_error)
