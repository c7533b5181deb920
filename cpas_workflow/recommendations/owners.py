"""Who owns a follow-up action: chosen among the people of its component at sign-off (its head by
default), changed later by the SPU with a reason that the audit trail keeps."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select

from cpas_workflow import abilities
from cpas_workflow.accounts.models import RoleAssignment, User
from cpas_workflow.core import audit, clock
from cpas_workflow.core.errors import ValidationFailed
from cpas_workflow.core.text import clean_text
from cpas_workflow.extensions import db
from notifications.recipients import current_assignment

OWNER_ROLES = ("component_head", "focal_point")


def candidates_of(component_ids) -> dict[int, list[User]]:
    """{component id: the enabled people who may own its actions, heads first}, in one statement."""
    ids = set(component_ids)
    found: dict[int, list[User]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(RoleAssignment.component_id, User)
        .join(User, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.component_id.in_(ids),
            RoleAssignment.role.in_(OWNER_ROLES),
            current_assignment(clock.today()),  # an ended role no longer makes an owner
            User.is_enabled.is_(True),
        )
        .order_by(case((RoleAssignment.role == "component_head", 0), else_=1), User.id)
    )
    for component_id, user in rows:
        if user not in found[component_id]:
            found[component_id].append(user)
    return found


def candidates(recommendation) -> list[User]:
    return candidates_of([recommendation.component_id])[recommendation.component_id]


def default_owner(recommendation) -> User | None:
    """The head of the action's component (the first of them when it has several)."""
    return db.session.scalar(
        select(User)
        .join(RoleAssignment)
        .where(
            RoleAssignment.role == "component_head",
            RoleAssignment.component_id == recommendation.component_id,
            current_assignment(clock.today()),
            User.is_enabled.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    )


def candidate(recommendation, email: str) -> User:
    """The person named by `email` if they may own this action, else a refusal naming the field."""
    wanted = (email or "").strip().lower()
    for user in candidates(recommendation):
        if user.email.lower() == wanted:
            return user
    raise ValidationFailed(
        _l(
            "%(email)s cannot own this action: the owner is a head or focal point of %(component)s",
            email=repr(email),
            component=recommendation.component.code,
        ),
        fields={"owner": "not a head or focal point of the component"},
    )


@dataclass
class OwnerChange:
    owner: str
    reason: str


def change_owner(recommendation, data: OwnerChange, actor):
    """The SPU hands an action to someone else of its component; the reason is audited."""
    abilities.require(abilities.can_change_owner(actor, recommendation))
    reason = clean_text(data.reason, "reason", required=True)
    owner = candidate(recommendation, data.owner)
    before = recommendation.owner
    recommendation.owner = owner
    from cpas_workflow.engine.firing import flush_or_conflict
    from cpas_workflow.engine.tasks import reassign_action_tasks

    reassign_action_tasks(recommendation, owner)
    flush_or_conflict(recommendation.cycle)
    audit.record(
        "change_owner",
        actor=actor,
        subject=f"recommendation:{recommendation.id}",
        mission_id=recommendation.cycle.mission_id,
        cycle_id=recommendation.cycle_id,
        from_state=before.email if before else None,
        to_state=owner.email,
        comment=reason,
    )
    return recommendation
