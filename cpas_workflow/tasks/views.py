"""Pages: my tasks (soonest due first, overdue marked, counts per mission and role), 50 a page."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user, login_required

from cpas_workflow.core import access
from cpas_workflow.cycles.queries import visible_missions
from cpas_workflow.framework import exports
from cpas_workflow.tasks.links import task_url
from cpas_workflow.tasks.queries import (
    is_overdue,
    on_behalf_of,
    open_task_counts,
    open_tasks_matching,
    open_tasks_page,
    parse_filter,
    shared,
)
from cpas_workflow.tasks.titles import task_title
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


@bp.get("/tasks.<any(csv, xlsx):fmt>")
@login_required
def tasks_export(fmt: str):
    """Every open task the filter of My tasks matches (not one page), as a spreadsheet: the titles in
    the reader's language, the links absolute so that they work from the file."""
    board = parse_filter(request.args)
    header = ["id", "task", "mission", "component", "role", "due", "overdue", "for", "taken_by", "link"]
    rows = []
    for task in open_tasks_matching(current_user, board):
        delegator = on_behalf_of(current_user, task)
        rows.append(
            [
                task.id,
                str(task_title(task.title)),
                task.mission.code,
                task.component.code if task.component else "",
                task.role,
                task.due,
                "yes" if is_overdue(task) else "no",
                delegator.name if delegator else "",
                task.assignee.name if task.assignee else "",
                task_url(task),
            ]
        )
    if fmt == "csv":
        body, mimetype = exports.to_csv(header, rows), exports.CSV_TYPE
    else:
        body, mimetype = exports.to_xlsx(header, rows, "tasks"), exports.XLSX_TYPE
    disposition = f'attachment; filename="my-tasks.{fmt}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})
