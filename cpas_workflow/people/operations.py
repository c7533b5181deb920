"""Verbs about people: delegate one's roles, end a delegation, claim a task, assign it to someone.

Each takes `(obj, data, actor)`, checks the actor's right first, writes the audit event and flushes;
the boundary (request, command) commits. Who holds what is always `core.access.grants`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from cpas_workflow.accounts.models import Delegation, User
from cpas_workflow.accounts.queries import with_roles
from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.errors import Conflict, Forbidden, NotFound, RuleRefused
from cpas_workflow.core.text import clean_text
from cpas_workflow.extensions import db
from cpas_workflow.tasks.models import Task
from notifications.task_messages import enqueue_task_opened

MAX_DELEGATION_DAYS = 366
NOTE_MAX = 20000


@dataclass(frozen=True)
class DelegationDraft:
    to: str
    starts: dt.date
    ends: dt.date
    note: str | None = None


def _user_by_email(email: str, field: str) -> User:
    user = (
        db.session.scalars(
            select(User).where(func.lower(User.email) == (email or "").strip().lower()).options(*with_roles())
        )
        .unique()
        .first()
    )
    if user is None or not user.is_enabled:
        raise RuleRefused(f"'{field}' names no user of this instance", fields={field: "unknown user"})
    return user


def mission_ids_of(user: User) -> set[int]:
    """The missions where `user` holds a current role of their own (delegated ones do not count)."""
    today = clock.today()
    return {a.mission_id for a in user.roles if a.mission_id is not None and a.is_current(today)}


def may_manage_delegations_of(user: User, actor) -> bool:
    """The user themselves; an admin; or the SPU of one of the user's missions (for someone who left
    without delegating)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.id == user.id or access.has_role(actor, "admin"):
        return True
    spu_of = {g.mission_id for g in access.grants(actor) if g.role == "spu"}
    return bool(spu_of & mission_ids_of(user))


def create_delegation(delegator: User, data: DelegationDraft, actor) -> Delegation:
    """`delegator`'s mission and component roles go to `data.to` for the dates given."""
    if not may_manage_delegations_of(delegator, actor):
        raise Forbidden("only the user, an admin or the SPU of their mission may delegate their roles")
    delegate = _user_by_email(data.to, "to")
    if delegate.id == delegator.id:
        raise RuleRefused("you cannot delegate to yourself", fields={"to": "the same user"})
    shared = mission_ids_of(delegator) & mission_ids_of(delegate)
    if not shared:
        raise RuleRefused(
            f"{delegate.email} is not a user of {_whose(delegator, actor)} mission: a delegate must be",
            fields={"to": "not in the same mission"},
        )
    if data.ends < data.starts:
        raise RuleRefused("ends must be on or after starts", fields={"ends": "before starts"})
    if data.ends < clock.today():
        raise RuleRefused("ends is in the past: a delegation must still be to come", fields={"ends": "in the past"})
    if (data.ends - data.starts).days > MAX_DELEGATION_DAYS:
        raise RuleRefused(
            f"a delegation lasts at most {MAX_DELEGATION_DAYS} days; assign the role instead",
            fields={"ends": "too far"},
        )
    note = clean_text(data.note, "note", max_length=NOTE_MAX) or None
    delegation = Delegation(
        delegator_id=delegator.id,
        delegate_id=delegate.id,
        mission_id=min(shared),
        starts=data.starts,
        ends=data.ends,
        note=note,
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(delegation)
    db.session.flush()
    delegation.delegate = delegate
    delegation.delegator = delegator
    audit.record(
        "delegate",
        actor=actor,
        on_behalf_of=None,
        subject=f"user:{delegator.email}",
        mission_id=delegation.mission_id,
        comment=f"to {delegate.email} from {data.starts.isoformat()} to {data.ends.isoformat()}",
    )
    return delegation


def _whose(delegator: User, actor) -> str:
    return "your" if actor is not None and actor.id == delegator.id else f"{delegator.email}'s"


def end_delegation(delegation: Delegation, actor) -> Delegation:
    """Ends it now: from this instant the delegate no longer acts for the delegator."""
    delegator = delegation.delegator
    if not (delegation.delegate_id == getattr(actor, "id", None) or may_manage_delegations_of(delegator, actor)):
        raise Forbidden("only the delegator, the delegate, an admin or the SPU may end this delegation")
    if delegation.ended_at is None:
        delegation.ended_at = clock.now()
        audit.record(
            "end_delegation",
            actor=actor,
            on_behalf_of=None,
            subject=f"user:{delegator.email}",
            mission_id=delegation.mission_id,
            comment=f"to {delegation.delegate.email}",
        )
        db.session.flush()
    return delegation


def get_delegation(delegation_id: int, actor) -> Delegation:
    """A delegation the actor is party to or may manage; anything else is not found."""
    delegation = (
        db.session.scalars(select(Delegation).where(Delegation.id == delegation_id).options(*_delegation_people()))
        .unique()
        .first()
    )
    if delegation is None or not (
        actor.id in (delegation.delegator_id, delegation.delegate_id)
        or may_manage_delegations_of(delegation.delegator, actor)
    ):
        raise NotFound("no such delegation, or not yours")
    return delegation


def _delegation_people() -> tuple:
    from sqlalchemy.orm import joinedload

    return (
        joinedload(Delegation.delegator).options(*with_roles()),
        joinedload(Delegation.delegate),
    )


# --- tasks: claim and assign ---------------------------------------------------------------------


def get_task(task_id: int, actor) -> Task:
    """An open or closed task of a mission the actor sees; another mission's is not found."""
    from sqlalchemy.orm import joinedload

    task = db.session.scalars(
        select(Task)
        .where(Task.id == task_id)
        .options(joinedload(Task.mission), joinedload(Task.component), joinedload(Task.assignee))
    ).first()
    return access.ensure_visible(actor, task)


def _open(task: Task) -> None:
    if task.closed_at is not None:
        raise Conflict(f"task {task.id} is done already: nothing to claim or assign")


def claim_task(task: Task, data: dict, actor) -> Task:
    """A holder of the task's role in its scope (or their delegate) makes it theirs: reminders go to
    them only from now on."""
    _open(task)
    if not access.authorize(actor, (task.role,), task):
        raise Forbidden(f"only a holder of the role {task.role} here may take task {task.id}")
    if task.assignee_id not in (None, actor.id):
        raise Conflict(f"task {task.id} is taken by {task.assignee.email} already; the SPU can reassign it")
    if task.assignee_id is None:
        task.assignee_id, task.assignee = actor.id, actor
        _record(task, "claim_task", actor, None)
        db.session.flush()
    return task


def holds_task_role(user: User, task: Task) -> bool:
    """Whether `user` holds the task's role in its scope, or is a holder's delegate (today)."""
    return access.holds_any(user, (task.role,), task)


def assign_task(task: Task, data: dict, actor) -> Task:
    """The SPU gives a task of its mission to one holder of its role (or a holder's delegate)."""
    _open(task)
    if not access.authorize(actor, ("spu",), task.mission):
        raise Forbidden("only the SPU of the mission may assign its tasks")
    to = _user_by_email(data.get("to") or "", "to")
    if not holds_task_role(to, task):
        raise RuleRefused(
            f"{to.email} does not hold the role {task.role} for this task, nor act for someone who does",
            fields={"to": "not a holder of the task's role"},
        )
    if task.assignee_id != to.id:
        task.assignee_id, task.assignee = to.id, to
        _record(task, "assign_task", actor, to.email)
        db.session.flush()
        enqueue_task_opened([task], actor=actor, mission=task.mission)
    return task


def _record(task: Task, action: str, actor, comment: str | None) -> None:
    audit.record(
        action,
        actor=actor,
        subject=f"task:{task.id}",
        mission_id=task.mission_id,
        cycle_id=task.cycle_id,
        comment=comment,
    )
