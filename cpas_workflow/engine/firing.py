"""Fire a trigger on a cycle or submission: check, apply, effects, tasks, audit — one transaction."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.errors import Conflict, Forbidden, Joined, RuleRefused, Word
from cpas_workflow.engine import store, tasks
from cpas_workflow.engine.registry import EFFECTS, FireContext
from cpas_workflow.extensions import db
from cpas_workflow.serving import metrics


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


def flush_or_conflict(subject) -> None:
    """Flush; a concurrent change to the same row becomes a Conflict, never a half-applied write."""
    label = noun(subject)  # named before the flush: a failed flush leaves the session unusable
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(
            _l("%(subject)s was changed by someone else at the same moment; reload it and try again", subject=label)
        ) from None
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            raise Conflict(
                _l("%(subject)s is being changed by someone else right now; reload it and try again", subject=label)
            ) from None
        raise


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
    """Apply `trigger` to `subject` (a Cycle or Submission) as `actor`; flushes, never commits.
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
    if not by_effect and not access.holds_any(actor, spec.roles, subject):
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
    if not store.machine_for(definition).events[trigger].trigger(subject, ctx):
        fields = {f: m for f, m in ctx.failures if f}
        message = Joined("; ", (m for _, m in ctx.failures)) or _l("'%(trigger)s' was refused", trigger=trigger)
        raise RuleRefused(message, fields=fields)
    if hasattr(subject, "state_entered_at") and subject.state != from_state:
        subject.state_entered_at = now
    if hasattr(subject, "updated_at"):
        subject.updated_at = now
    flush_or_conflict(subject)
    for name in spec.effects:
        EFFECTS[name](ctx)
    if subject.state != from_state:
        tasks.close_tasks(subject, now)
        tasks.open_tasks(subject, definition, subject.state, now, actor=actor)
    event = audit.record(
        trigger,
        actor=actor,
        subject=subject_label(subject),
        mission_id=subject.mission.id,
        cycle_id=subject.id if subject.__tablename__ == "cycles" else subject.cycle_id,
        from_state=from_state,
        to_state=subject.state,
        comment=comment,
    )
    flush_or_conflict(subject)
    metrics.transition_fired(db.session, definition.name, trigger)
    return event


def subject_label(subject) -> str:
    """How the audit trail names a cycle or a submission (one form, so queries can match it)."""
    if subject.__tablename__ == "cycles":
        return f"cycle:{subject.id}"
    return f"submission:{subject.id}:{subject.component.code}"
