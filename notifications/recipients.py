"""Who a task speaks to, resolved for many tasks at once (one read of the role assignments)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from cpas_workflow.accounts.models import RoleAssignment, User
from cpas_workflow.extensions import db


class Directory:
    """The enabled users holding roles in a set of missions, indexed the way tasks address them:
    a component role by (role, component), a mission role by (role, mission), a person by id."""

    def __init__(self, mission_ids: Iterable[int], assignee_ids: Iterable[int] = ()) -> None:
        mission_ids = set(mission_ids)
        self.by_component: dict[tuple[str, int], list[User]] = defaultdict(list)
        self.by_mission: dict[tuple[str, int], list[User]] = defaultdict(list)
        self.by_id: dict[int, User] = {}
        if mission_ids:
            rows = db.session.execute(
                select(RoleAssignment.role, RoleAssignment.mission_id, RoleAssignment.component_id, User)
                .join(User, User.id == RoleAssignment.user_id)
                .where(RoleAssignment.mission_id.in_(mission_ids), User.is_enabled.is_(True))
                .order_by(User.id)
            )
            for role, mission_id, component_id, user in rows:
                self.by_id[user.id] = user
                if component_id is not None:
                    self.by_component[(role, component_id)].append(user)
                else:
                    self.by_mission[(role, mission_id)].append(user)
        missing = set(assignee_ids) - set(self.by_id)
        if missing:
            for user in db.session.scalars(select(User).where(User.id.in_(missing), User.is_enabled.is_(True))):
                self.by_id[user.id] = user

    def addressees(self, task) -> list[User]:
        """The people the task is addressed to (as `tasks.queries.addressed_to` decides)."""
        if task.assignee_id is not None:
            user = self.by_id.get(task.assignee_id)
            return [user] if user else []
        found = list(self.by_mission.get((task.role, task.mission_id), ()))
        if task.component_id is not None:
            found += self.by_component.get((task.role, task.component_id), ())
        return list({u.id: u for u in found}.values())

    def escalation_to(self, task) -> list[User]:
        """Who hears of a long-overdue task: the head of its component, or, for the SPU's own tasks,
        leadership's tasks, mission-wide tasks and the heads' own tasks, the mission's SPU."""
        if task.component_id is not None and task.role != "component_head":
            heads = self.by_component.get(("component_head", task.component_id), [])
            if heads:
                return list(heads)
        return list(self.by_mission.get(("spu", task.mission_id), []))
