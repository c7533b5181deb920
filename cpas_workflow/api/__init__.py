"""The JSON API, `/api/v1`: one blueprint, token authentication; its error bodies come from `refusals`."""

from __future__ import annotations

from flask import Blueprint, Flask, g, request

from cpas_workflow.core.errors import Unauthorized
from cpas_workflow.extensions import csrf
from cpas_workflow.refusals import error_response  # noqa: F401  (the error body, made in refusals)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.create_token", "api.openapi"}


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
