"""Fire a trigger on a cycle or submission: check, apply, effects, tasks, audit — one transaction."""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.errors import Conflict, Forbidden, Joined, RuleRefused, Word
from cpas_workflow.engine import approvals, store, tasks
from cpas_workflow.engine.registry import EFFECTS, GUARDS, FireContext
from cpas_workflow.extensions import db
from cpas_workflow.serving import metrics
from notifications import news

# The audit action of an approval that others must still join: never the trigger's own name, which the
# trail keeps for transitions that happened (publication, for one, reads "approve" out of sign-off).
PARTIAL_APPROVAL = "approval"


def noun(subject):
    if subject.__tablename__ == "cycles":
        return _l("cycle %(id)s", id=subject.id)
    return _l("%(component)s submission %(id)s", component=subject.component.code, id=subject.id)


def check_version(subject, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != subject.version:
        raise Conflict(
            _l(
                "%(subject)s was changed by someone else meanwhile (it is at version %(version)s, "
                "you sent %(expected)s); reload it and try again",
                subject=noun(subject),
                version=subject.version,
                expected=expected_version,
            )
        )


@contextmanager
def conflicts_as(label: str):
    """A concurrent change to the same row met while writing becomes a Conflict naming `label`
    (named beforehand: a failed flush leaves the session unusable), never a half-applied write."""
    try:
        yield
    except (StaleDataError, IntegrityError):  # IntegrityError: the same approval recorded by a twin request
        raise Conflict(
            _l("%(subject)s was changed by someone else at the same moment; reload it and try again", subject=label)
        ) from None
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            raise Conflict(
                _l("%(subject)s is being changed by someone else right now; reload it and try again", subject=label)
            ) from None
        raise


def flush_or_conflict(subject) -> None:
    """Flush; a concurrent change to the same row becomes a Conflict, never a half-applied write."""
    with conflicts_as(noun(subject)):
        db.session.flush()


def approval_statuses(subject) -> list[approvals.Status]:
    """Where the joint transitions from the subject's state stand (none, and no query, elsewhere)."""
    return approvals.statuses(subject, store.definition_of(subject), subject_label(subject))


def fire(
    subject,
    trigger: str,
    *,
    actor,
    comment: str | None = None,
    expected_version: int | None = None,
    params: dict[str, Any] | None = None,
    by_effect: bool = False,
) -> AuditEvent:
    """Apply `trigger` to `subject` (a Cycle or Submission, or a submission read as a row by
    `submissions.rows`) as `actor`; flushes or writes, never commits.
    `by_effect`: fired by an effect of a transition whose roles were already checked (a cycle's
    reopening returns a submission as leadership, who could not return it on their own)."""
    definition = store.definition_of(subject)
    check_version(subject, expected_version)
    if trigger not in definition.triggers():
        raise RuleRefused(
            _l(
                "unknown trigger '%(trigger)s': %(workflow)s knows %(known)s",
                trigger=trigger,
                workflow=definition.name,
                known=", ".join(sorted(definition.triggers())),
            ),
            fields={"trigger": "unknown trigger"},
        )
    spec = definition.transition(trigger, subject.state)
    if spec is None:
        possible = [t.trigger for t in definition.transitions_from(subject.state)]
        raise Conflict(
            Joined(
                "; ",
                [
                    _l(
                        "'%(trigger)s' is not possible while %(subject)s is %(state)s",
                        trigger=trigger,
                        subject=noun(subject),
                        state=Word("state", subject.state),
                    ),
                    _l("possible now: %(triggers)s", triggers=", ".join(possible))
                    if possible
                    else _l("nothing can change it any more"),
                ],
            )
        )
    if not by_effect and not access.authorize(actor, spec.roles, subject):
        raise Forbidden(
            _l(
                "'%(trigger)s' on %(subject)s is for the role(s) %(roles)s only",
                trigger=trigger,
                subject=noun(subject),
                roles=", ".join(spec.roles),
            )
        )
    comment = (comment or "").strip() or None
    if spec.is_comment_required and not comment:
        raise RuleRefused(
            _l("'%(trigger)s' needs a comment saying why", trigger=trigger), fields={"comment": "required"}
        )
    now = clock.now()
    ctx = FireContext(subject, definition, spec, actor, comment, params or {}, now)
    from_state = subject.state
    if spec.approvals is not None and not approvals.collect(ctx, subject_label(subject)):
        return _record_approval(ctx)
    if not store.machine_for(definition).events[trigger].trigger(subject, ctx):
        _refuse(ctx)
    if subject.state != from_state:
        subject.stamp_entry(now)
    if hasattr(subject, "updated_at"):
        subject.updated_at = now
    # An ORM subject: one flush at the end writes it (its version checked) with the audit event; the
    # tasks are closed and opened by plain statements before it. A subject read as a row
    # (`submissions.rows`): its versioned UPDATE comes first, so a stale version writes nothing, and
    # the event is one INSERT. A stale version or a lock met on the way rolls the whole transaction
    # back as a Conflict.
    is_row = hasattr(subject, "written")
    with conflicts_as(noun(subject)):
        if is_row:
            _write_row(subject)
        for name in spec.effects:
            EFFECTS[name](ctx)
        if spec.effects:  # what effects changed (an action's new owner) is read by the tasks opened below
            db.session.flush()
        if spec.approvals is not None:
            approvals.close(subject_label(subject), [trigger], now, "fired")
        if subject.state != from_state:
            _reset_approvals(subject, definition, from_state, trigger, now)
            with db.session.no_autoflush:  # reading the addressees needs nothing of the subject's change
                tasks.close_tasks(subject, now)
                tasks.open_tasks(subject, definition, subject.state, now, actor=actor)
                if subject.__tablename__ == "submissions":
                    news.tell_input_moved(subject, actor)  # returned or endorsed: its focal points hear of it
        if is_row:
            event = _audit(ctx, from_state, write=audit.insert)
            subject.version += 1
        else:
            event = _audit(ctx, from_state)
            db.session.flush()
    metrics.transition_fired(db.session, definition.name, trigger)
    return event


def _write_row(subject) -> None:
    """The subject's changed columns in one `UPDATE … WHERE version = :seen`, its version raised;
    no row updated means someone else changed it since it was read (StaleDataError: a Conflict)."""
    values = {f"new_{name}": value for name, value in subject.written().items()}
    result = db.session.connection().execute(
        _versioned_update(subject.__table__, tuple(subject.WRITTEN)),
        {"subject_id": subject.id, "seen_version": subject.version, **values},
    )
    if result.rowcount != 1:
        raise StaleDataError(f"{subject!r} is no longer at version {subject.version}")


@functools.cache
def _versioned_update(table, columns: tuple[str, ...]):
    """Built once per table (every transition of its subjects runs it), run with parameters."""
    c = table.c
    return (
        update(table)
        .where(c.id == bindparam("subject_id"), c.version == bindparam("seen_version"))
        .values(version=c.version + 1, **{name: bindparam(f"new_{name}") for name in columns})
    )


def _refuse(ctx: FireContext) -> None:
    fields = {f: m for f, m in ctx.failures if f}
    message = Joined("; ", (m for _, m in ctx.failures)) or _l("'%(trigger)s' was refused", trigger=ctx.spec.trigger)
    raise RuleRefused(message, fields=fields)


def _record_approval(ctx: FireContext) -> AuditEvent:
    """One approval of a joint transition that others must still give: the guards are checked as if it
    fired (an approval the transition could not follow is refused), the subject's version is raised
    (a concurrent approval conflicts instead of going uncounted), the approval audited as
    PARTIAL_APPROVAL; no state change."""
    subject = ctx.subject
    for name in ctx.spec.guards:
        answer = GUARDS[name](ctx)
        if answer is not None:
            ctx.failures.append(answer if isinstance(answer, tuple) else (None, answer))
    if ctx.failures:
        _refuse(ctx)
    if hasattr(subject, "updated_at"):
        subject.updated_at = ctx.now
    if hasattr(subject, "written"):  # a subject read as a row: its versioned UPDATE, the event's INSERT
        with conflicts_as(noun(subject)):
            _write_row(subject)
            event = _audit(ctx, subject.state, action=PARTIAL_APPROVAL, write=audit.insert)
        subject.version += 1
        return event
    flag_modified(subject, "state")
    event = _audit(ctx, subject.state, action=PARTIAL_APPROVAL)
    flush_or_conflict(subject)
    return event


def _audit(ctx: FireContext, from_state: str, *, action: str | None = None, write=audit.record) -> AuditEvent | None:
    subject = ctx.subject
    return write(
        action or ctx.spec.trigger,
        actor=ctx.actor,
        subject=subject_label(subject),
        mission_id=subject.mission.id,
        cycle_id=subject.id if subject.__tablename__ == "cycles" else subject.cycle_id,
        from_state=from_state,
        to_state=subject.state,
        comment=ctx.comment,
    )


def _reset_approvals(subject, definition, from_state: str, fired: str, now) -> None:
    """Left `from_state` another way: its joint transitions' approvals given so far are discarded
    where the definition says so (only a state with joint transitions costs a statement)."""
    reset = [
        t.trigger
        for t in definition.joint_transitions_from(from_state)
        if t.trigger != fired and t.approvals.on_leave == "reset"
    ]
    if reset:
        approvals.close(subject_label(subject), reset, now, "reset")


def subject_label(subject) -> str:
    """How the audit trail names a cycle or a submission (one form, so queries can match it)."""
    if subject.__tablename__ == "cycles":
        return f"cycle:{subject.id}"
    return f"submission:{subject.id}:{subject.component.code}"
