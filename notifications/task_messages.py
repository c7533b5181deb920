"""The message a person gets when a task becomes theirs, and the context every task e-mail shares.

The engine calls `enqueue_task_opened` as it opens tasks: it writes outbox rows in the transition's
transaction and knows nothing of mail. (This module imports no engine code, so the engine can import it.)
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel.speaklater import LazyString

from cpas_workflow.core import timezones
from cpas_workflow.core.text import N_
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.tasks.models import Task
from cpas_workflow.tasks.titles import task_title
from notifications.outbox import add_rows, message_row, task_path
from notifications.recipients import Directory


def task_context(task: Task, today: dt.date) -> dict:
    recommendation = db.session.get(Recommendation, task.recommendation_id) if task.recommendation_id else None
    return {
        "task": task,
        "recommendation": recommendation,
        "mission": task.mission,
        "url": current_app.config["CPAS_BASE_URL"].rstrip("/") + task_path(task),
        "days_left": (task.due - today).days,
    }


def enqueue_task_opened(tasks: list[Task], actor=None) -> None:
    """Tell `immediate` users that a task is theirs now (called by the engine as it opens tasks);
    not `actor`, whose own action opened them (they know, and will see the task in their list)."""
    if not tasks:
        return
    db.session.flush()
    directory = Directory({t.mission_id for t in tasks}, {t.assignee_id for t in tasks if t.assignee_id})
    rows = []
    for task in tasks:
        today = timezones.local_date(task.created_at, task.mission.timezone)
        for user in directory.addressees(task):
            if user.notify == "immediate" and (actor is None or user.id != actor.id):
                rows.append(
                    message_row(
                        f"task-{task.id}:opened:user-{user.id}",
                        "task_opened",
                        user,
                        "task_opened",
                        subject=(N_("New task: %(title)s"), {"title": LazyString(task_title, task.title)}),
                        **task_context(task, today),
                    )
                )
    add_rows(rows)
