"""Pages: my tasks (soonest due first, overdue marked, counts per mission and role), 50 a page."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from cpas_workflow.core import access
from cpas_workflow.cycles.queries import visible_missions
from cpas_workflow.tasks.queries import (
    is_overdue,
    on_behalf_of,
    open_task_counts,
    open_tasks_page,
    parse_filter,
    shared,
)
from cpas_workflow.views import bp


@bp.get("/")
@login_required
def index():
    board = parse_filter(request.args)
    tasks, has_more = open_tasks_page(current_user, board)
    components = sorted({g.component.code for g in access.grants(current_user) if g.component is not None})
    return render_template(
        "tasks/index.html",
        tasks=tasks,
        has_more=has_more,
        board=board,
        overdue={t.id for t in tasks if is_overdue(t)},
        acting_for={t.id: on_behalf_of(current_user, t) for t in tasks},
        shared=shared(tasks),  # the tasks worth taking: others could do them too
        counts=open_task_counts(current_user),
        components=components,
        missions=visible_missions(current_user, with_components=False),
    )
