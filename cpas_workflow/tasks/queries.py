"""Whose tasks are whose: a task goes to its assignee, or to everyone holding its role in its scope."""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import joinedload

from cpas_workflow.core import clock, timezones
from cpas_workflow.extensions import db
from cpas_workflow.tasks.models import Task


def addressed_to(user):
    """A SQL condition: the task is `user`'s."""
    by_role = []
    for assignment in user.roles:
        if assignment.component_id is not None:
            by_role.append(and_(Task.role == assignment.role, Task.component_id == assignment.component_id))
        elif assignment.mission_id is not None:
            by_role.append(and_(Task.role == assignment.role, Task.mission_id == assignment.mission_id))
    role_match = and_(Task.assignee_id.is_(None), or_(*by_role)) if by_role else false()
    return or_(Task.assignee_id == user.id, role_match)


def open_tasks_for(user) -> list[Task]:
    """The user's open tasks, soonest due first."""
    query = (
        select(Task)
        .where(Task.closed_at.is_(None), addressed_to(user))
        .options(joinedload(Task.mission), joinedload(Task.component))
        .order_by(Task.due, Task.id)
    )
    return list(db.session.scalars(query).unique())


def is_overdue(task: Task) -> bool:
    return task.closed_at is None and task.due < timezones.local_date(clock.now(), task.mission.timezone)
