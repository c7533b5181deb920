"""Who a task speaks to, resolved for many tasks at once: one read of the role holders, one of the
assignees, however many tasks there are (plain rows, not User objects with their roles)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import bindparam, select

from cpas_workflow.accounts.models import RoleAssignment, User
from cpas_workflow.extensions import db


class Person(NamedTuple):
    """What a message needs of a user."""

    id: int
    email: str
    name: str
    language: str
    notify: str


_COLUMNS = (User.id, User.email, User.name, User.language, User.notify)


def _enabled(by_notify: bool) -> list:
    return [User.is_enabled.is_(True)] + ([User.notify.in_(bindparam("notify", expanding=True))] if by_notify else [])


# Built once per shape and run with their values as parameters: a transition reads its addressees
# with one of these, and building the statement each time cost more than running it.
@functools.cache
def _holders_query(by_role: bool, by_notify: bool):
    query = (
        select(RoleAssignment.role, RoleAssignment.mission_id, RoleAssignment.component_id, *_COLUMNS)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.mission_id.in_(bindparam("mission_ids", expanding=True)), *_enabled(by_notify))
        .order_by(User.id)
    )
    if by_role:
        query = query.where(RoleAssignment.role.in_(bindparam("roles", expanding=True)))
    return query


@functools.cache
def _people_query(by_notify: bool):
    return select(*_COLUMNS).where(User.id.in_(bindparam("user_ids", expanding=True)), *_enabled(by_notify))


class Directory:
    """The enabled users holding roles in a set of missions, indexed the way tasks address them:
    a component role by (role, component), a mission role by (role, mission), a person by id.
    `roles` narrows the read to the roles the tasks at hand are addressed to, `notify` to the users
    with one of these preferences (None: all)."""

    def __init__(
        self,
        mission_ids: Iterable[int],
        assignee_ids: Iterable[int] = (),
        roles: Iterable[str] | None = None,
        notify: Iterable[str] | None = None,
    ) -> None:
        mission_ids = set(mission_ids)
        params = {"notify": sorted(set(notify))} if notify is not None else {}
        self.by_component: dict[tuple[str, int], list[Person]] = defaultdict(list)
        self.by_mission: dict[tuple[str, int], list[Person]] = defaultdict(list)
        self.by_id: dict[int, Person] = {}
        if mission_ids:
            query = _holders_query(roles is not None, notify is not None)
            if roles is not None:
                params["roles"] = sorted(set(roles))
            rows = db.session.execute(query, {**params, "mission_ids": sorted(mission_ids)})
            for role, mission_id, component_id, *user in rows:
                person = self.by_id.setdefault(user[0], Person(*user))
                if component_id is not None:
                    self.by_component[(role, component_id)].append(person)
                else:
                    self.by_mission[(role, mission_id)].append(person)
        missing = set(assignee_ids) - set(self.by_id)
        if missing:
            query = _people_query(notify is not None)
            for user in db.session.execute(query, {**params, "user_ids": sorted(missing)}):
                self.by_id[user[0]] = Person(*user)

    def addressees(self, task) -> list[Person]:
        """The people the task is addressed to (as `tasks.queries.addressed_to` decides)."""
        if task.assignee_id is not None:
            user = self.by_id.get(task.assignee_id)
            return [user] if user else []
        found = self.by_mission.get((task.role, task.mission_id), [])
        if task.component_id is not None:
            found = found + self.by_component.get((task.role, task.component_id), [])
        return list({u.id: u for u in found}.values())

    def escalation_to(self, task) -> list[Person]:
        """Who hears of a long-overdue task: the head of its component, or, for the SPU's own tasks,
        leadership's tasks, mission-wide tasks and the heads' own tasks, the mission's SPU."""
        if task.component_id is not None and task.role != "component_head":
            heads = self.by_component.get(("component_head", task.component_id), [])
            if heads:
                return list(heads)
        return list(self.by_mission.get(("spu", task.mission_id), []))
