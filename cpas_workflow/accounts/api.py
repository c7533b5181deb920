"""API: tokens, the caller, preferences."""

from __future__ import annotations

from flask import g, jsonify, request

from cpas_workflow.accounts import operations, throttle
from cpas_workflow.api import bp, serialize
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.core.errors import Throttled


@bp.post("/tokens")
def create_token():
    data = read({"email": Field(str, required=True), "password": Field(str, required=True)})
    try:
        token, row = operations.issue_token(data["email"], data["password"], request.remote_addr or "unknown")
    except (operations.SignInFailed, Throttled) as exc:
        throttle.keep_refused_attempt(exc)
        raise
    commit()
    return jsonify({"token": token, "expires_at": row.expires_at.isoformat()}), 201


@bp.delete("/tokens/current")
def delete_current_token():
    """The token of this call stops working at once."""
    operations.revoke_token(g.api_token.id, current_user())
    commit()
    return "", 204


@bp.get("/me")
def me():
    return jsonify(serialize.user(current_user()))


def _preferences(user) -> dict:
    return {"notify": user.notify, "language": user.language}


@bp.get("/me/preferences")
def get_preferences():
    return jsonify(_preferences(current_user()))


@bp.put("/me/preferences")
def put_preferences():
    data = read({"notify": Field(str), "language": Field(str)})
    user = operations.update_preferences(current_user(), **data)
    commit()
    return jsonify(_preferences(user))
