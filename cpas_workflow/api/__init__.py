"""The JSON API, `/api/v1`: one blueprint, token authentication, uniform error bodies."""

from __future__ import annotations

from flask import Blueprint, Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from cpas_workflow.core.errors import DomainError, Throttled, Unauthorized
from cpas_workflow.edge import allow_header
from cpas_workflow.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.create_token", "api.openapi"}


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


@bp.before_request
def authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    from cpas_workflow.accounts.operations import token_for

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send 'Authorization: Bearer <token>'; get a token from POST /api/v1/tokens")
    row = token_for(token.strip())
    if row is None:
        raise Unauthorized("the token is unknown, revoked or expired; get a new one from POST /api/v1/tokens")
    g.api_token, g.api_user = row, row.user


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    db.session.rollback()
    response = error_response(exc.status, exc.code, exc.message, exc.fields)
    if isinstance(exc, Throttled):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    db.session.rollback()
    codes = {
        400: "bad_request",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        415: "unsupported_media_type",
    }
    response = error_response(exc.code or 500, codes.get(exc.code, "http_error"), exc.description or exc.name)
    return allow_header(response, exc) if isinstance(exc, MethodNotAllowed) else response


def register_api(app: Flask) -> None:
    from cpas_workflow.accounts import api as _accounts  # noqa: F401
    from cpas_workflow.api import openapi as _openapi  # noqa: F401
    from cpas_workflow.comments import api as _comments  # noqa: F401
    from cpas_workflow.cycles import api as _cycles  # noqa: F401
    from cpas_workflow.evidence import api as _evidence  # noqa: F401
    from cpas_workflow.framework import api as _framework  # noqa: F401
    from cpas_workflow.missions import api as _missions  # noqa: F401
    from cpas_workflow.people import api as _people  # noqa: F401
    from cpas_workflow.recommendations import api as _recommendations  # noqa: F401
    from cpas_workflow.submissions import api as _submissions  # noqa: F401
    from notifications import api as _notifications  # noqa: F401
    from notifications import centre_api as _centre  # noqa: F401

    csrf.exempt(bp)
    app.register_blueprint(bp)

    @app.errorhandler(404)
    def not_found(exc):
        if request.path.startswith("/api/"):
            return error_response(404, "not_found", "no such endpoint")
        from cpas_workflow.views import render_error

        return render_error(exc)

    @app.errorhandler(405)
    def method_not_allowed(exc):
        if request.path.startswith("/api/"):
            return allow_header(error_response(405, "method_not_allowed", f"{request.method} is not allowed here"), exc)
        return exc

    @app.errorhandler(400)
    def bad_request(exc):
        if request.path.startswith("/api/"):
            return error_response(400, "bad_request", exc.description or exc.name)
        from cpas_workflow.views import render_error

        return render_error(exc)

    @app.errorhandler(500)
    def internal_error(exc):
        db.session.rollback()
        if request.path.startswith("/api/"):
            return error_response(500, "internal_error", "something went wrong on the server; it has been logged")
        return exc
