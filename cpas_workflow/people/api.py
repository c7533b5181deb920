"""API: the caller's delegations (acting officers), claiming and assigning tasks."""

from __future__ import annotations

from flask import jsonify, request

from cpas_workflow.api import bp
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.api.serialize import task as task_json
from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.core.listing import whole_arg
from cpas_workflow.people import operations, queries


def delegation_json(d) -> dict:
    return {
        "id": d.id,
        "from": d.delegator.email,
        "to": d.delegate.email,
        "starts": d.starts.isoformat(),
        "ends": d.ends.isoformat(),
        "note": d.note,
        "ended_at": d.ended_at.isoformat() if d.ended_at else None,
        "active": queries.is_active(d),
    }


@bp.get("/me/delegations")
def list_delegations():
    """The delegations the caller gave and received, newest first; `?limit=&offset=` pages them."""
    limit = whole_arg(request.args, "limit", 1, 1000) or queries.PAGE_SIZE
    offset = whole_arg(request.args, "offset", 0, 10**9) or 0
    return jsonify([delegation_json(d) for d in queries.delegations_of(current_user(), limit=limit, offset=offset)])


@bp.post("/me/delegations")
def create_delegation():
    user = current_user()
    data = read(
        {
            "to": Field(str, required=True),
            "starts": Field("date", required=True),
            "ends": Field("date", required=True),
            "note": Field(str, nullable=True),
        }
    )
    delegation = operations.create_delegation(user, operations.DelegationDraft(**data), user)
    commit()
    return jsonify(delegation_json(delegation)), 201


@bp.delete("/me/delegations/<int:delegation_id>")
def end_delegation(delegation_id: int):
    user = current_user()
    if delegation_id > DB_ID_MAX:
        from cpas_workflow.core.errors import NotFound

        raise NotFound("no such delegation")
    operations.end_delegation(operations.get_delegation(delegation_id, user), user)
    commit()
    return "", 204


@bp.post("/tasks/<int:task_id>/claim")
def claim_task(task_id: int):
    user = current_user()
    task = operations.claim_task(operations.get_task(task_id, user), {}, user)
    commit()
    return jsonify(task_json(task, user))


@bp.post("/tasks/<int:task_id>/assign")
def assign_task(task_id: int):
    user = current_user()
    task = operations.get_task(task_id, user)  # 404 before any 400
    data = read({"to": Field(str, required=True)})
    task = operations.assign_task(task, data, user)
    commit()
    return jsonify(task_json(task, user))
