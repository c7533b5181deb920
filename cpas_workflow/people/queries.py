"""Reading delegations: a user's, paged; whether one is in force today."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts.models import Delegation
from cpas_workflow.core import clock
from cpas_workflow.core.listing import PAGE_SIZE
from cpas_workflow.extensions import db

__all__ = ["PAGE_SIZE", "delegations_of", "is_active"]


def is_active(delegation: Delegation) -> bool:
    return delegation.is_active(clock.today())


def delegations_of(user, *, limit: int = PAGE_SIZE, offset: int = 0) -> list[Delegation]:
    """The delegations `user` gave or received, newest first (one page)."""
    return list(
        db.session.scalars(
            select(Delegation)
            .where(or_(Delegation.delegator_id == user.id, Delegation.delegate_id == user.id))
            .options(joinedload(Delegation.delegator), joinedload(Delegation.delegate))
            .order_by(Delegation.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def people_of(mission, *, page: int = 1) -> tuple[list, bool]:
    """The users holding (or having held) a role in `mission`, by name, each with those assignments
    [(user, [assignment, ...])]: one page, and whether more follow."""
    from cpas_workflow.accounts.models import RoleAssignment, User

    ids = list(
        db.session.scalars(
            select(User.id)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.mission_id == mission.id)
            .group_by(User.id, User.name)
            .order_by(User.name, User.id)
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    if not ids:
        return [], False
    assignments = db.session.scalars(
        select(RoleAssignment)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.mission_id == mission.id, RoleAssignment.user_id.in_(ids[:PAGE_SIZE]))
        .options(joinedload(RoleAssignment.user), joinedload(RoleAssignment.component))
        .order_by(User.name, User.id, RoleAssignment.id)
    )
    people: dict[int, tuple] = {}
    for a in assignments:
        people.setdefault(a.user_id, (a.user, []))[1].append(a)
    return list(people.values()), len(ids) > PAGE_SIZE
