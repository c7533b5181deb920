"""Joint sign-off: approvals collected from several holders of a role before a transition fires.

A transition whose definition says `approvals: {count: N}` (or `all`) does not fire on the first
allowed person's trigger: each trigger records an approval (who, for whom, when, why) and the
transition fires, in the same transaction, on the approval that completes the set. One person counts
once: a partial unique index keeps a second open approval of the same holder out even when two
requests race. Leaving the state another way (a return for rework) resets or keeps the approvals
given, as the definition says; the rows stay, closed, with their outcome.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ForeignKey, Index, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.core.db import UTCDateTime
from cpas_workflow.core.errors import Conflict
from cpas_workflow.engine.definitions import TransitionSpec
from cpas_workflow.extensions import db

OPEN = "approvals.closed_at IS NULL"


class Approval(db.Model):
    __tablename__ = "approvals"
    __table_args__ = (
        Index(
            "uq_approvals_open",
            "subject",
            "trigger",
            "user_id",
            unique=True,
            sqlite_where=db.text(OPEN),
            postgresql_where=db.text(OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    subject: Mapped[str] = mapped_column(String(80))  # the audit trail's name of the cycle or submission
    trigger: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(40))  # the state the approval was given in
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the holder it counts as
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who gave it (a delegate acts for user)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))  # "fired" or "reset" once closed

    user = relationship("User", foreign_keys=[user_id], lazy="raise_on_sql")
    actor = relationship("User", foreign_keys=[actor_id], lazy="raise_on_sql")


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class Given:
    holder: Person
    actor: Person
    at: dt.datetime
    comment: str | None


@dataclass(frozen=True)
class Status:
    """Where a joint transition stands: who has approved, whose approval is awaited, how many are needed."""

    trigger: str
    required: int
    given: list[Given]
    awaited: list[Person]

    @property
    def missing(self) -> int:
        return max(self.required - len(self.given), 0)


def counted_as(actor) -> int:
    """The holder an approval counts as: the actor, or the holder they act for (delegation)."""
    acting_for = getattr(actor, "acting_for_id", None)
    return acting_for if acting_for is not None else actor.id


def _holders(spec: TransitionSpec, subject) -> list[Person]:
    """The enabled users holding one of the transition's roles in the subject's mission (and its
    component, for a submission), by name."""
    from cpas_workflow.accounts.models import RoleAssignment, User

    mission_id = subject.mission_id if subject.__tablename__ == "cycles" else subject.cycle.mission_id
    component_id = getattr(subject, "component_id", None)
    query = (
        select(User.id, User.name, User.email)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role.in_(spec.roles), RoleAssignment.mission_id == mission_id, User.is_enabled.is_(True))
        .distinct()
        .order_by(User.name, User.id)
    )
    if component_id is not None:
        query = query.where((RoleAssignment.component_id.is_(None)) | (RoleAssignment.component_id == component_id))
    return [Person(*row) for row in db.session.execute(query)]


def _given(subject_label: str, triggers: list[str]) -> list[tuple[str, Given]]:
    from cpas_workflow.accounts.models import User

    actor = db.aliased(User)
    rows = db.session.execute(
        select(
            Approval.trigger,
            User.id,
            User.name,
            User.email,
            actor.id,
            actor.name,
            actor.email,
            Approval.at,
            Approval.comment,
        )
        .join(User, User.id == Approval.user_id)
        .join(actor, actor.id == Approval.actor_id)
        .where(Approval.subject == subject_label, Approval.trigger.in_(triggers), Approval.closed_at.is_(None))
        .order_by(Approval.at, Approval.id)
    )
    return [(r[0], Given(Person(*r[1:4]), Person(*r[4:7]), r[7], r[8])) for r in rows]


def statuses(subject, definition, subject_label: str) -> list[Status]:
    """One Status per transition from the subject's state that collects approvals (none: no query)."""
    joint = definition.joint_transitions_from(subject.state)
    if not joint:
        return []
    given = _given(subject_label, [t.trigger for t in joint])
    result = []
    for spec in joint:
        holders = _holders(spec, subject)
        mine = [g for trigger, g in given if trigger == spec.trigger]
        done = {g.holder.id for g in mine}
        required = spec.approvals.count if spec.approvals.count is not None else len(holders)
        result.append(Status(spec.trigger, required, mine, [h for h in holders if h.id not in done]))
    return result


def still_open_to(joint: list[Status], actor, triggers: list[str]) -> list[str]:
    """`triggers` without the joint ones whose approval `actor` has given already."""
    if not joint or actor is None:
        return triggers
    mine = counted_as(actor)
    done = {s.trigger for s in joint if any(g.holder.id == mine for g in s.given)}
    return [t for t in triggers if t not in done]


def collect(ctx, subject_label: str) -> bool:
    """Record the actor's approval of `ctx.spec` on `ctx.subject`; True when it completes the set and
    the transition is to fire now. The same holder approving twice is a Conflict: it counts once."""
    spec, subject = ctx.spec, ctx.subject
    holder_id = counted_as(ctx.actor)
    earlier = db.session.execute(
        select(Approval.user_id, Approval.at).where(
            Approval.subject == subject_label, Approval.trigger == spec.trigger, Approval.closed_at.is_(None)
        )
    ).all()
    approved = {user_id: at for user_id, at in earlier}
    if holder_id in approved:
        raise Conflict(
            f"your approval of '{spec.trigger}' was recorded already ({approved[holder_id].isoformat(timespec='minutes')}): "
            "it counts once; the other approvals are awaited"
        )
    db.session.add(
        Approval(
            cycle_id=subject.id if subject.__tablename__ == "cycles" else subject.cycle_id,
            subject=subject_label,
            trigger=spec.trigger,
            state=subject.state,
            user_id=holder_id,
            actor_id=ctx.actor.id,
            at=ctx.now,
            comment=ctx.comment,
        )
    )
    approved[holder_id] = ctx.now
    if spec.approvals.count is not None:
        return len(approved) >= spec.approvals.count
    return {h.id for h in _holders(spec, subject)} <= set(approved)


def close(subject_label: str, triggers: list[str], now: dt.datetime, outcome: str) -> None:
    """Close the open approvals of `triggers`: "fired" (the set was complete) or "reset" (the subject
    left the state another way)."""
    db.session.execute(
        update(Approval)
        .where(Approval.subject == subject_label, Approval.trigger.in_(triggers), Approval.closed_at.is_(None))
        .values(closed_at=now, outcome=outcome)
    )
