"""Pages: my tasks (soonest due first, overdue marked, counts per mission and role)."""

from __future__ import annotations

from collections import Counter

from flask import render_template
from flask_login import current_user, login_required

from cpas_workflow.cycles.queries import visible_missions
from cpas_workflow.tasks.queries import is_overdue, open_tasks_for
from cpas_workflow.views import bp


@bp.get("/")
@login_required
def index():
    tasks = open_tasks_for(current_user)
    counts = Counter((t.mission.code, t.role) for t in tasks)
    overdue = {t.id for t in tasks if is_overdue(t)}
    return render_template(
        "tasks/index.html",
        tasks=tasks,
        overdue=overdue,
        counts=sorted(counts.items()),
        missions=visible_missions(current_user),
    )
