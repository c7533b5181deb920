"""Pages: my tasks (soonest due first, overdue marked, counts per mission and role), 50 a page."""

from __future__ import annotations

from typing import NamedTuple

from flask import render_template, request, url_for
from flask_login import current_user, login_required

from cpas_workflow.core import access
from cpas_workflow.cycles.queries import visible_missions
from cpas_workflow.framework import documents
from cpas_workflow.pages import label, local_day, task_link
from cpas_workflow.tasks.links import task_url
from cpas_workflow.tasks.queries import (
    is_overdue,
    is_overdue_in,
    on_behalf_of,
    open_task_counts,
    open_tasks_matching,
    open_tasks_page,
    parse_filter,
    shared,
)
from cpas_workflow.tasks.titles import task_title, title_translator
from cpas_workflow.views import bp


class Row(NamedTuple):
    """What one line of My tasks shows, worked out in Python once per page rather than by the template."""

    id: int
    link: str
    title: str
    acting_for: str | None
    taken_by: str | None
    claim: str | None  # where to take it, when others could do it too
    details: str
    where: str
    role: str
    due: str
    overdue: bool


@bp.get("/")
@login_required
def index():
    board = parse_filter(request.args)
    reader = current_user._get_current_object()  # asked about on every row: once through the proxy
    tasks, has_more = open_tasks_page(reader, board)
    components = sorted({g.component.code for g in access.grants(reader) if g.component is not None})
    return render_template(
        "tasks/index.html",
        tasks=tasks,
        rows=_rows(reader, tasks, shared(tasks)),  # shared: the tasks worth taking, others could do them too
        has_more=has_more,
        board=board,
        counts=open_task_counts(reader),
        components=components,
        missions=visible_missions(reader, with_components=False),
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
    return documents.spreadsheet(header, rows, fmt, "tasks", f"my-tasks.{fmt}")


def _rows(reader, tasks, worth_taking: set[int]) -> list[Row]:
    # Lines share their roles, due days, missions, titles and pages: each is put in words (or its
    # today found, its link built) once; a task's own links are one route each, built once with a
    # stand-in id and filled per row (url_for per row was a quarter of the page's time).
    roles, days, overdue = _Once(lambda role: label("role", role)), _Once(local_day), _Once(is_overdue_in)
    titles, links = _Once(title_translator()), {}
    claim_url, details_url = _by_id("web.claim_task"), _by_id("web.task")
    rows = []
    for task in tasks:
        delegator = on_behalf_of(reader, task)
        page = (task.submission_id, task.recommendation_id, task.cycle_id, task.key, task.mission_code)
        link = links.get(page)
        if link is None:
            link = links[page] = task_link(task)
        rows.append(
            Row(
                id=task.id,
                link=link,
                title=titles(task.title),
                acting_for=delegator.name if delegator is not None else None,
                taken_by=task.assignee_name,
                claim=claim_url(task.id) if task.id in worth_taking else None,
                details=details_url(task.id),
                where=task.mission_code + (f"/{task.component_code}" if task.component_code is not None else ""),
                role=roles(task.role),
                due=days(task.due),
                overdue=task.closed_at is None and overdue((task.due, task.mission_timezone)),
            )
        )
    return rows


_STAND_IN = 987654321


def _by_id(endpoint: str):
    """`url_for(endpoint, task_id=n)` for any n, the route built once (a task id is digits: nothing to quote)."""
    head, tail = url_for(endpoint, task_id=_STAND_IN).split(str(_STAND_IN))
    return lambda task_id: f"{head}{task_id}{tail}"


class _Once(dict):
    """`function(key)`, worked out once per key."""

    def __init__(self, function) -> None:
        super().__init__()
        self.function = function

    def __call__(self, key):
        return self[key]

    def __missing__(self, key):
        found = self[key] = self.function(key)
        return found
