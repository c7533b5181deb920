"""Whose tasks are whose: a task goes to everyone holding its role in its scope (claimed or not: who
took it shows beside it), and to its assignee; a delegate sees them as the delegator would."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from cpas_workflow.accounts.models import User
from cpas_workflow.core import access, clock, timezones
from cpas_workflow.core.listing import PAGE_SIZE, query_args, whole_arg
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission
from cpas_workflow.tasks.models import Task


def open_addressed_to(user):
    """A SQL condition: the task is open and `user`'s, by one of their grants (own or delegated) or as
    assignee (theirs, or their delegator's). "Open" is repeated in each alternative, so that the
    database reads each one by its own index (the assignee's; the component's or the mission's role)
    rather than every open task of the instance."""
    is_open = Task.closed_at.is_(None)
    by_role = []
    held = access.grants(user)
    for grant in held:
        if grant.component_id is not None:
            by_role.append(and_(Task.role == grant.role, Task.component_id == grant.component_id, is_open))
        elif grant.mission_id is not None:
            by_role.append(and_(Task.role == grant.role, Task.mission_id == grant.mission_id, is_open))
    people = {user.id} | {g.on_behalf_of.id for g in held if g.on_behalf_of is not None}
    return or_(and_(Task.assignee_id.in_(people), is_open), *by_role)


def on_behalf_of(user, task: Task):
    """The delegator `user` sees `task` for, or None when it is theirs (by role or assignment)."""
    if task.assignee_id == user.id:
        return None
    matching = [
        g
        for g in access.grants(user)
        if g.role == task.role
        and (
            g.component_id == task.component_id
            if g.component_id is not None
            else g.mission_id == task.mission_id and g.mission_id is not None
        )
    ]
    if task.assignee_id is not None:
        assigned = [
            g.on_behalf_of for g in access.grants(user) if g.on_behalf_of and g.on_behalf_of.id == task.assignee_id
        ]
        if assigned and not any(g.on_behalf_of is None for g in matching):
            return assigned[0]
    if not matching or any(g.on_behalf_of is None for g in matching):
        return None
    return matching[0].on_behalf_of


def open_tasks_for(user, *, limit: int | None = None, offset: int = 0) -> list[Task]:
    """The user's open tasks, soonest due first (all of them, or `limit` from `offset`)."""
    query = (
        select(Task)
        .where(open_addressed_to(user))
        .options(joinedload(Task.mission), joinedload(Task.component), joinedload(Task.assignee))
        .order_by(Task.due, Task.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def is_overdue(task: Task) -> bool:
    return task.closed_at is None and is_overdue_in((task.due, task.mission.timezone))


def is_overdue_in(due_and_zone: tuple) -> bool:
    """Whether a day (`due`) is past in the time zone named beside it."""
    due, zone = due_and_zone
    return due < timezones.local_date(clock.now(), zone)


@dataclass(frozen=True)
class TaskFilter:
    """What My tasks narrows to: a mission (code), a component (code), a cycle, overdue only; a page."""

    mission: str | None = None
    component: str | None = None
    cycle: int | None = None
    is_overdue: bool = False
    page: int = 1

    def args(self, **changes) -> dict:
        values = {
            "mission": self.mission,
            "component": self.component,
            "cycle": self.cycle,
            "overdue": "1" if self.is_overdue else None,
            "page": self.page,
        } | changes
        return query_args(values)


def parse_filter(args) -> TaskFilter:
    return TaskFilter(
        mission=(args.get("mission") or "").strip() or None,
        component=(args.get("component") or "").strip() or None,
        cycle=whole_arg(args, "cycle", 1, 2**63 - 1),
        is_overdue=args.get("overdue") == "1",
        page=whole_arg(args, "page", 1, 100_000) or 1,
    )


def _overdue(user):
    """Due before today in the task's mission: today is per mission (its time zone), read from the
    missions of the user's roles (loaded with the user); elsewhere UTC."""
    now = clock.now()
    zones = {g.mission_id: g.mission.timezone for g in access.grants(user) if g.mission is not None}
    per_mission = [and_(Task.mission_id == mid, Task.due < timezones.local_date(now, tz)) for mid, tz in zones.items()]
    elsewhere = and_(Task.mission_id.not_in(zones), Task.due < now.date()) if zones else Task.due < now.date()
    return or_(*per_mission, elsewhere)


def _open_for(user, board: TaskFilter):
    query = select(Task).where(open_addressed_to(user))
    if board.mission is not None:
        query = query.join(Mission, Mission.id == Task.mission_id).where(Mission.code == board.mission)
    if board.component is not None:
        query = query.join(Component, Component.id == Task.component_id).where(Component.code == board.component)
    if board.cycle is not None:
        query = query.where(Task.cycle_id == board.cycle)
    if board.is_overdue:
        query = query.where(_overdue(user))
    return query


def _listed(user, board: TaskFilter):
    """The user's open tasks matching `board` with what a row shows, soonest due first."""
    return (
        _open_for(user, board)
        .options(joinedload(Task.mission), joinedload(Task.component), joinedload(Task.assignee))
        .order_by(Task.due, Task.id)
    )


def open_tasks_page(user, board: TaskFilter) -> tuple[list, bool]:
    """One page of the user's open tasks matching `board`, soonest due first, and whether more follow:
    as rows of what a line shows (the task's columns, `mission_code`, `mission_timezone`,
    `component_code`, `assignee_name`), not objects: building 40 tasks with their mission, component
    and assignee was a fifth of the page's time."""
    mission, component, assignee = _ROW_TABLES
    query = (
        _open_for(user, board)
        .with_only_columns(
            *(getattr(Task, name) for name in _ROW_COLUMNS),
            mission.code.label("mission_code"),
            mission.timezone.label("mission_timezone"),
            component.code.label("component_code"),
            assignee.name.label("assignee_name"),
        )
        .join(mission, mission.id == Task.mission_id)
        .outerjoin(component, component.id == Task.component_id)
        .outerjoin(assignee, assignee.id == Task.assignee_id)
        .order_by(Task.due, Task.id)
        .limit(PAGE_SIZE + 1)
        .offset((board.page - 1) * PAGE_SIZE)
    )
    tasks = db.session.execute(query).all()
    return tasks[:PAGE_SIZE], len(tasks) > PAGE_SIZE


# Apart from the tables a filter joins (made once: an alias made per request costs more than the rows).
_ROW_TABLES = (aliased(Mission), aliased(Component), aliased(User))
# What a line of My tasks, its links and the checks of who may take it read of a task.
_ROW_COLUMNS = (
    "id",
    "key",
    "title",
    "role",
    "mission_id",
    "component_id",
    "assignee_id",
    "cycle_id",
    "submission_id",
    "recommendation_id",
    "due",
    "closed_at",
)


def open_tasks_matching(user, board: TaskFilter) -> list[Task]:
    """Every open task of the user's that `board` matches (its page ignored): what an export holds."""
    return list(db.session.scalars(_listed(user, board)).unique())


def open_task_counts(user) -> list[tuple[tuple[str, str], int]]:
    """How many open tasks the user has per (mission code, role), in one statement."""
    rows = db.session.execute(
        select(Mission.code, Task.role, func.count())
        .join(Mission, Mission.id == Task.mission_id)
        .where(open_addressed_to(user))
        .group_by(Mission.code, Task.role)
        .order_by(Mission.code, Task.role)
    )
    return [((code, role), n) for code, role, n in rows]


def shared(tasks) -> set[int]:
    """The ids of the unassigned tasks among `tasks` that more than one person could do (several
    holders of the role, or someone acting for one): taking one tells the others it is in hand. A
    task only one person could do is theirs already, so nobody is offered to take it. One statement."""
    from notifications.recipients import Directory

    untaken = [t for t in tasks if t.assignee_id is None and t.closed_at is None]
    if not untaken:
        return set()
    directory = Directory({t.mission_id for t in untaken}, roles={t.role for t in untaken})
    return {t.id for t in untaken if len(directory.addressees(t)) > 1}
