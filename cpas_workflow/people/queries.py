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
