"""API: the missions the caller may see, and the workflows on offer."""

from __future__ import annotations

from flask import jsonify

from cpas_workflow.api import bp, serialize
from cpas_workflow.api.parsing import current_user
from cpas_workflow.cycles.queries import visible_missions
from cpas_workflow.engine import store


@bp.get("/missions")
def missions():
    return jsonify([serialize.mission(m) for m in visible_missions(current_user())])


@bp.get("/workflows")
def workflows():
    return jsonify(
        [
            {"name": d.name, "version": d.version, "title": d.title, "subject": d.subject}
            for d in sorted(store.current_definitions().values(), key=lambda d: d.name)
        ]
    )
