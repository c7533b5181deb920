"""Loading users with what every request asks of them: their roles, with the role's mission and
component, and the delegations in force to them with their delegators' roles (core.access.grants).

The statements a request starts with (the user by id, by session key, by API token) are built once
per process and run with parameters, today's date among them (`TODAY`, for the delegations in force,
worked out when the statement runs): building one cost more than running it."""

from __future__ import annotations

import functools

from flask import g, has_request_context
from sqlalchemy import Date, bindparam, event, exists, select
from sqlalchemy.orm import joinedload, with_expression
from sqlalchemy.orm.attributes import set_committed_value

from cpas_workflow.accounts.models import Delegation, RoleAssignment, User
from cpas_workflow.core import clock
from cpas_workflow.extensions import db

# Today's date as a bound parameter, worked out each time a statement runs: a statement built once
# (and an object it loaded, refreshed after a rollback) reads the delegations in force on that day.
TODAY = bindparam("today", type_=Date, callable_=clock.today)


def delegation_in_force(today=None):
    """A SQL condition: the delegation acts today (ended early ones never again); `today` a date or
    `TODAY`, the bound parameter of a statement built once."""
    today = clock.today() if today is None else today
    return (Delegation.ended_at.is_(None), Delegation.starts <= today, Delegation.ends >= today)


def _delegator_roles():
    return joinedload(Delegation.delegator).options(
        joinedload(User.roles).options(joinedload(RoleAssignment.mission), joinedload(RoleAssignment.component))
    )


def with_roles(today=None) -> tuple:
    """Access checks read every role; the page header names each role's mission. The user and their
    roles, the delegations in force to them and their delegators' roles, in one statement (`today`:
    as for `delegation_in_force`)."""
    return (
        joinedload(User.roles).joinedload(RoleAssignment.mission),
        joinedload(User.roles).joinedload(RoleAssignment.component),
        joinedload(User.delegations_in.and_(*delegation_in_force(today))).options(_delegator_roles()),
    )


def signed_in() -> tuple:
    """The signed-in user's load (by id, session key, API token), built once: their roles with their
    missions and components, and whether a delegation to them is in force today — read, with their
    delegators' roles, only when there is one (`core.access.grants`), which is rare: the joined
    delegators' roles made every request's first statement twice as costly."""
    in_force = exists().where(Delegation.delegate_id == User.id, *delegation_in_force(TODAY))
    return (
        joinedload(User.roles).joinedload(RoleAssignment.mission),
        joinedload(User.roles).joinedload(RoleAssignment.component),
        with_expression(User.has_delegations, in_force),
    )


def load_delegations(user: User) -> list[Delegation]:
    """The delegations in force to a user loaded without them (a job's or a command's actor)."""
    rows = list(
        db.session.scalars(
            select(Delegation)
            .where(Delegation.delegate_id == user.id, *delegation_in_force())
            .options(_delegator_roles())
        ).unique()
    )
    set_committed_value(user, "delegations_in", rows)
    return rows


@functools.cache
def _user_by_id():
    return select(User).where(User.id == bindparam("user_id")).options(*signed_in())


def get_user(user_id: int) -> User | None:
    """The user with their roles and the delegations in force to them today."""
    return db.session.scalars(_user_by_id(), {"user_id": user_id}).unique().first()


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email).options(*with_roles())).unique().first()


def _signed_in_user():
    if not has_request_context():
        return None
    return g.get("api_user") or g.get("_login_user")


def keep_roles_after_rollback(session, previous_transaction) -> None:
    """A rollback expires every object of the session, the signed-in user's roles too, and roles
    never load lazily: a request that rolls back and then draws a page or checks access again
    gets them back here, in one statement."""
    user = _signed_in_user()
    if previous_transaction.parent is not None or not isinstance(user, User) or user not in session:
        return
    session.scalars(_user_by_id(), {"user_id": user.id}).unique().first()


def register(session_class) -> None:
    if not event.contains(session_class, "after_soft_rollback", keep_roles_after_rollback):
        event.listen(session_class, "after_soft_rollback", keep_roles_after_rollback)
