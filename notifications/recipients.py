"""Who a task speaks to, resolved for many tasks at once: one read of the role holders (with the
delegates acting for them, and for the assignees), one of the assignees, however many tasks there are
(plain rows, not User objects with their roles). Only role assignments current today count: the
statements are built once per shape, with today's date among their parameters."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import Date, Integer, String, and_, bindparam, null, or_, select, union_all
from sqlalchemy.orm import aliased

from cpas_workflow.accounts.models import Delegation, RoleAssignment, User
from cpas_workflow.accounts.queries import TODAY
from cpas_workflow.core.db import run


class Person(NamedTuple):
    """What a message needs of a user; `for_name` and `since` when they hear of it as someone's
    delegate (the delegator's name, the day the delegation started)."""

    id: int
    email: str
    name: str
    language: str
    notify: str
    for_name: str | None = None
    since: dt.date | None = None


_COLUMNS = (User.id, User.email, User.name, User.language, User.notify)


def current_assignment(today, table=RoleAssignment):
    """A SQL condition: the role assignment gives its role on `today` (a date or a bound parameter)."""
    return and_(
        table.ended_at.is_(None),
        or_(table.starts_on.is_(None), table.starts_on <= today),
        or_(table.ends_on.is_(None), table.ends_on >= today),
    )


def _nobody() -> tuple:
    return (
        null().cast(Integer).label("for_id"),
        null().cast(String).label("for_name"),
        null().cast(Date).label("since"),
    )


def _in_force(today):
    return and_(Delegation.ended_at.is_(None), Delegation.starts <= today, Delegation.ends >= today)


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
        self.by_component: dict[tuple[str, int], list[Person]] = defaultdict(list)
        self.by_mission: dict[tuple[str, int], list[Person]] = defaultdict(list)
        self.by_id: dict[int, Person] = {}
        self.delegates_of: dict[int, list[Person]] = defaultdict(list)
        assignee_ids = set(assignee_ids)
        params = {} if notify is None else {"notify": list(set(notify))}
        if mission_ids:
            params["mission_ids"] = _values(mission_ids)
            if roles is not None:
                params["roles"] = _values(set(roles))
            if assignee_ids:
                params["assignee_ids"] = list(assignee_ids)
            shape = (bool(assignee_ids), _arity(params.get("roles")), notify is not None)
            query = _holders(*shape, one_mission=_arity(params["mission_ids"]) == 1)
            rows = run(query, params)
            for role, mission_id, component_id, for_id, for_name, since, *user in rows:
                if for_id is None:
                    person = self.by_id.setdefault(user[0], Person(*user))
                else:
                    person = Person(*user, for_name=for_name, since=_day(since))
                if role is None:
                    self.delegates_of[for_id].append(person)
                elif component_id is not None:
                    self.by_component[(role, component_id)].append(person)
                else:
                    self.by_mission[(role, mission_id)].append(person)
        missing = assignee_ids - set(self.by_id)
        if missing:
            people = {"user_ids": list(missing)} | ({} if notify is None else {"notify": list(set(notify))})
            for user in run(_people(notify is not None), people):
                self.by_id[user[0]] = Person(*user)

    def addressees(self, task) -> list[Person]:
        """The people the task is addressed to (as `tasks.queries.open_addressed_to` decides, except that a
        claimed or assigned task speaks to its assignee only), with the delegates acting for them."""
        if task.assignee_id is not None:
            user = self.by_id.get(task.assignee_id)
            return _once(([user] if user else []) + self.delegates_of.get(task.assignee_id, []))
        found = self.by_mission.get((task.role, task.mission_id), [])
        if task.component_id is not None:
            found = found + self.by_component.get((task.role, task.component_id), [])
        return _once(found)

    def delegated_since(self, people: list[Person]) -> dt.date | None:
        """The latest start of the delegations through which `people` hear of a task, if any."""
        return max((p.since for p in people if p.since is not None), default=None)

    def escalation_to(self, task) -> list[Person]:
        """Who hears of a long-overdue task: the head of its component, or, for the SPU's own tasks,
        leadership's tasks, mission-wide tasks and the heads' own tasks, the mission's SPU."""
        if task.component_id is not None and task.role != "component_head":
            heads = self.by_component.get(("component_head", task.component_id), [])
            if heads:
                return _once(heads)
        return _once(self.by_mission.get(("spu", task.mission_id), []))


def _enabled(has_notify: bool) -> list:
    """Enabled users only; with `has_notify`, only those with one of the preferences `:notify`."""
    notify = [User.notify.in_(bindparam("notify", expanding=True))] if has_notify else []
    return [User.is_enabled.is_(True), *notify]


def _values(values: set):
    """One value as itself, several as a list: a single mission or role is compared with `=`, since
    re-rendering an expanding `IN` at each run cost more than the database's work on this read."""
    return next(iter(values)) if len(values) == 1 else list(values)


def _arity(value) -> int:
    """0: no such parameter; 1: one value; 2: a list of them."""
    return 0 if value is None else 2 if isinstance(value, list) else 1


def _among(column, name: str, arity: int):
    return column == bindparam(name) if arity == 1 else column.in_(bindparam(name, expanding=True))


@functools.cache
def _holders(has_assignees: bool, roles_arity: int, has_notify: bool, *, one_mission: bool):
    """One statement: the current holders of the roles (own), the delegates acting for them, and
    the delegates acting for the assignees (role empty), each with whom they act for. Built once per
    shape and run with parameters (building it cost more than running it): `:mission_ids`, and as
    the shape says `:assignee_ids`, `:roles`, `:notify`; today's date is worked out as it runs."""
    today = TODAY
    missions = _among(RoleAssignment.mission_id, "mission_ids", 1 if one_mission else 2)
    enabled = _enabled(has_notify)
    assignment = (RoleAssignment.role, RoleAssignment.mission_id, RoleAssignment.component_id)
    own = (
        select(*assignment, *_nobody(), *_COLUMNS)
        .join(User, User.id == RoleAssignment.user_id)
        .where(missions, current_assignment(today), *enabled)
    )
    delegator = aliased(User)
    for_whom = (delegator.id.label("for_id"), delegator.name.label("for_name"), Delegation.starts.label("since"))
    delegated = (
        select(*assignment, *for_whom, *_COLUMNS)
        .join(
            Delegation,
            and_(
                Delegation.delegator_id == RoleAssignment.user_id,
                Delegation.mission_id == RoleAssignment.mission_id,
                _in_force(today),
            ),
        )
        .join(delegator, delegator.id == RoleAssignment.user_id)
        .join(User, User.id == Delegation.delegate_id)
        .where(missions, current_assignment(today), *enabled)
    )
    if roles_arity:
        roles = _among(RoleAssignment.role, "roles", roles_arity)
        own, delegated = own.where(roles), delegated.where(roles)
    parts = [own, delegated]
    if has_assignees:
        nothing = (null().cast(String), null().cast(Integer), null().cast(Integer))
        parts.append(
            select(*nothing, *for_whom, *_COLUMNS)
            .select_from(Delegation)
            .join(delegator, delegator.id == Delegation.delegator_id)
            .join(User, User.id == Delegation.delegate_id)
            .where(Delegation.delegator_id.in_(bindparam("assignee_ids", expanding=True)), _in_force(today), *enabled)
        )
    every = union_all(*parts).subquery()
    return select(every).order_by(every.c.id, every.c.for_id.is_not(None))


@functools.cache
def _people(has_notify: bool):
    """The enabled users among `:user_ids` (assignees holding no role in the missions read)."""
    return select(*_COLUMNS).where(User.id.in_(bindparam("user_ids", expanding=True)), *_enabled(has_notify))


def _once(people: list[Person]) -> list[Person]:
    """Each person once, their own role before a delegation (own rows come first)."""
    seen: dict[int, Person] = {}
    for person in people:
        if person.id not in seen or (seen[person.id].for_name is not None and person.for_name is None):
            seen[person.id] = person
    return list(seen.values())


def _day(value) -> dt.date | None:
    """A union's date column may come back as text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
