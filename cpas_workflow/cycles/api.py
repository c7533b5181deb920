"""API: cycles of a mission, their transitions and audit trail, and the caller's tasks."""

from __future__ import annotations

from flask import jsonify, request

from cpas_workflow import abilities
from cpas_workflow.api import bp, serialize
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.core import access
from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.core.listing import whole_arg
from cpas_workflow.cycles import administration, operations, queries
from cpas_workflow.tasks.queries import open_tasks_for

VERSIONED = {"expected_version": Field(int, nullable=True)}
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


def _administered(cycle_id: int, user):
    """The cycle, loaded for a change by its SPU (404 for another mission's, 403 for anyone else's
    attempt, both before any 400 or 422; the operation checks again)."""
    cycle = queries.get_cycle(cycle_id, user, for_update=True, options=queries.for_api())
    abilities.require(abilities.can_administer_cycle(user, cycle, check_state=False))
    return cycle


@bp.put("/cycles/<int:cycle_id>/input-deadline")
def change_input_deadline(cycle_id: int):
    """The SPU moves the input deadline: `{"input_due": "YYYY-MM-DD", "reason", "expected_version"?}`."""
    user = current_user()
    cycle = _administered(cycle_id, user)
    data = read({"input_due": Field("date", required=True), "reason": Field(str, nullable=True), **VERSIONED})
    expected = data.pop("expected_version", None)
    administration.change_input_deadline(cycle, administration.DeadlineChange(**data), user, expected_version=expected)
    commit()
    return jsonify(serialize.cycle(cycle, user))


@bp.post("/cycles/<int:cycle_id>/components")
def add_cycle_component(cycle_id: int):
    """The SPU asks one more component for input: `{"component": "POL", "reason"}`; 201 with the cycle."""
    user = current_user()
    cycle = _administered(cycle_id, user)
    data = read({"component": Field(str, required=True), "reason": Field(str, nullable=True), **VERSIONED})
    expected = data.pop("expected_version", None)
    administration.add_component(cycle, administration.ComponentChange(**data), user, expected_version=expected)
    commit()
    return jsonify(serialize.cycle(cycle, user)), 201


@bp.post("/cycles/<int:cycle_id>/components/<code>/excuse")
def excuse_cycle_component(cycle_id: int, code: str):
    """The SPU lets a component off this cycle's input: `{"reason"}`; its input no longer holds up the review."""
    user = current_user()
    cycle = _administered(cycle_id, user)
    data = read({"reason": Field(str, nullable=True), **VERSIONED})
    expected = data.pop("expected_version", None)
    change = administration.ComponentChange(component=code, reason=data.get("reason"))
    administration.excuse_component(cycle, change, user, expected_version=expected)
    commit()
    return jsonify(serialize.cycle(cycle, user))


@bp.put("/cycles/<int:cycle_id>/guidance")
def set_cycle_guidance(cycle_id: int):
    """The SPU's guidance to the components (Markdown): `{"guidance"}`; answers carry `guidance_html`."""
    user = current_user()
    cycle = _administered(cycle_id, user)
    data = read({"guidance": Field(str, required=True, nullable=True), **VERSIONED})
    administration.set_guidance(cycle, data.get("guidance"), user, expected_version=data.get("expected_version"))
    commit()
    return jsonify(serialize.cycle(cycle, user))
