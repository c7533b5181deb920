"""API: cycles of a mission, their transitions and audit trail, and the caller's tasks."""

from __future__ import annotations

from flask import jsonify, request

from cpas_workflow.api import bp, serialize
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.core import access
from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.core.listing import whole_arg
from cpas_workflow.cycles import operations, queries
from cpas_workflow.tasks.queries import open_tasks_for

TRANSITION = {
    "trigger": Field(str, required=True),
    "comment": Field(str, nullable=True),
    "expected_version": Field(int, nullable=True),
}


@bp.post("/missions/<code>/cycles")
def create_cycle(code: str):
    user = current_user()
    mission = queries.get_mission(code, user)
    access.require(user, "start_cycle", mission)  # 403 before any 400 or 422
    data = read(
        {
            "workflow": Field(str, required=True),
            "period": Field(str, required=True),
            "title": Field(str, nullable=True),
            "input_due": Field("date", required=True),
            "components": Field(list, required=True, items=str),
        }
    )
    cycle = operations.start_cycle(mission, operations.CycleDraft(**data), user)
    commit()
    return jsonify(serialize.cycle(cycle, user)), 201


@bp.get("/missions/<code>/cycles")
def list_cycles(code: str):
    mission = queries.get_mission(code, current_user())
    return jsonify([serialize.cycle_brief(c) for c in queries.mission_cycles(mission)])


@bp.get("/cycles/<int:cycle_id>")
def get_cycle(cycle_id: int):
    user = current_user()
    return jsonify(serialize.cycle(queries.get_cycle(cycle_id, user, options=queries.for_api()), user))


@bp.post("/cycles/<int:cycle_id>/transitions")
def fire_transition(cycle_id: int):
    user = current_user()
    cycle = queries.get_cycle(cycle_id, user, for_update=True, options=queries.for_api())  # 404 before any 400
    data = read({**TRANSITION, "submission": Field(int, nullable=True, minimum=1, maximum=DB_ID_MAX)})
    operations.fire_cycle_trigger(
        cycle,
        data["trigger"],
        user,
        comment=data.get("comment"),
        expected_version=data.get("expected_version"),
        submission_id=data.get("submission"),
    )
    commit()
    return jsonify(serialize.cycle(cycle, user))


@bp.get("/cycles/<int:cycle_id>/events")
def cycle_events(cycle_id: int):
    cycle = queries.get_cycle(cycle_id, current_user(), options=())
    return jsonify([serialize.event(e) for e in queries.audit_trail(cycle.id)])


@bp.get("/tasks")
def my_tasks():
    """All the caller's open tasks, as the contract says; `?limit=&offset=` for a page of them."""
    limit, offset = whole_arg(request.args, "limit", 1, 1000), whole_arg(request.args, "offset", 0, 10**9) or 0
    user = current_user()
    return jsonify([serialize.task(t, user) for t in open_tasks_for(user, limit=limit, offset=offset)])
