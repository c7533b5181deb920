"""Loading users with what every request asks of them: their roles, with the role's mission and component."""

from __future__ import annotations

import functools

from flask import g, has_request_context
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts.models import RoleAssignment, User
from cpas_workflow.extensions import db


def with_roles() -> tuple:
    """Access checks read every role; the page header names each role's mission. One statement."""
    return (
        joinedload(User.roles).joinedload(RoleAssignment.mission),
        joinedload(User.roles).joinedload(RoleAssignment.component),
    )


@functools.cache
def _user_by_id():
    """Built once: a request's first statement is read by the id alone (building it cost more than running it)."""
    return select(User).where(User.id == bindparam("user_id")).options(*with_roles())


def get_user(user_id: int) -> User | None:
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
    session.scalars(select(User).where(User.id == user.id).options(*with_roles())).unique().first()


def register(session_class) -> None:
    if not event.contains(session_class, "after_soft_rollback", keep_roles_after_rollback):
        event.listen(session_class, "after_soft_rollback", keep_roles_after_rollback)
