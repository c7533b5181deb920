"""The SPU's hand on a running cycle: move the input deadline, add a component or excuse one, and
write the guidance the components read on their submission page. Each is a verb taking
`(cycle, data, actor)`, checks the actor's right and the cycle's state itself, and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from cpas_workflow import abilities
from cpas_workflow.core import audit, clock, timezones
from cpas_workflow.core.errors import Conflict, ValidationFailed
from cpas_workflow.core.text import clean_text, not_too_far_ahead, parse_date
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine import store, tasks
from cpas_workflow.engine.firing import check_version, flush_or_conflict, subject_label
from cpas_workflow.extensions import db
from cpas_workflow.submissions.models import Submission
from cpas_workflow.tasks.models import Task

DUE_FOLLOWS = ("input_due", "due")  # tasks whose due date is counted from the input deadline


@dataclass
class DeadlineChange:
    input_due: dt.date | str
    reason: str | None = None


@dataclass
class ComponentChange:
    component: str
    reason: str | None = None


def _require(actor, cycle: Cycle, what: str, expected_version: int | None) -> None:
    abilities.require(abilities.can_administer_cycle(actor, cycle, check_state=False))
    check_version(cycle, expected_version)
    if not abilities.can_administer_cycle(actor, cycle):
        raise Conflict(_("Too late: %(what)s only until the joint review starts.", what=what))


def excusable(cycle: Cycle) -> list[Submission]:
    """The input the SPU may still excuse: asked for, and not yet endorsed."""
    return [s for s in cycle.submissions if s.is_required and s.state != "endorsed"]


def _reason(text: str | None) -> str:
    reason = clean_text(text, "reason")
    if not reason:
        raise ValidationFailed(_("Give the reason (it is kept in the audit trail)."), fields={"reason": "required"})
    return reason


def _audit(action: str, cycle: Cycle, actor, comment: str, subject: str | None = None) -> None:
    audit.record(
        action,
        actor=actor,
        subject=subject or subject_label(cycle),
        mission_id=cycle.mission_id,
        cycle_id=cycle.id,
        from_state=cycle.state,
        to_state=cycle.state,
        comment=comment,
    )


def change_input_deadline(cycle: Cycle, data: DeadlineChange, actor, *, expected_version: int | None = None) -> Cycle:
    """Move the input deadline: the submissions' due dates and the open tasks counted from it follow
    (their reminders too: each moved task is a new task, so reminders start over from its new date)."""
    _require(actor, cycle, _("the input deadline can be changed"), expected_version)
    new = parse_date(data.input_due, "input_due")
    reason = _reason(data.reason)
    today = timezones.local_date(clock.now(), cycle.mission.timezone)
    if new < today:
        raise ValidationFailed(
            _("The new deadline %(day)s is already past.", day=new.isoformat()), fields={"input_due": "in the past"}
        )
    not_too_far_ahead(new, "input_due", today)
    old = cycle.input_due
    if new == old:
        raise ValidationFailed(
            _("The deadline is already %(day)s.", day=new.isoformat()), fields={"input_due": "unchanged"}
        )
    cycle.input_due = new
    for submission in cycle.submissions:
        submission.due = new
    flush_or_conflict(cycle)
    _move_open_tasks(cycle)
    _audit("change_deadline", cycle, actor, f"{old.isoformat()} → {new.isoformat()}: {reason}")
    db.session.flush()
    return cycle


def _move_open_tasks(cycle: Cycle) -> None:
    """Every open task of the cycle counted from the deadline is closed and opened again with its new
    due date (same person, same title): reminders are owed afresh for the new date."""
    now = clock.now()
    subjects = {None: cycle, **{s.id: s for s in cycle.submissions}}
    open_tasks = db.session.scalars(select(Task).where(Task.cycle_id == cycle.id, Task.closed_at.is_(None))).all()
    for task in open_tasks:
        subject = subjects.get(task.submission_id)
        if subject is None or task.recommendation_id is not None:
            continue
        spec = _spec_of(task, subject)
        if spec is None or (spec.due_from not in DUE_FOLLOWS and spec.due_not_before not in DUE_FOLLOWS):
            continue
        due = tasks._due(spec, subject, now)
        if due == task.due:
            continue
        task.closed_at = now
        db.session.add(
            Task(
                key=task.key,
                title=task.title,
                role=task.role,
                mission_id=task.mission_id,
                component_id=task.component_id,
                assignee_id=task.assignee_id,
                cycle_id=task.cycle_id,
                submission_id=task.submission_id,
                recommendation_id=None,
                state=task.state,
                due=due,
                created_at=now,
            )
        )


def _spec_of(task: Task, subject):
    definition = store.definition_of(subject)
    name, state, key = (task.key or "::").split(":", 2)
    if name != definition.name or state not in definition.states:
        return None
    return next((s for s in definition.states[state].tasks if s.key == key), None)


def add_component(cycle: Cycle, data: ComponentChange, actor, *, expected_version: int | None = None) -> Submission:
    """Ask one more of the mission's components for input: its submission, due at the deadline, and
    (once input is open) its focal point's task."""
    _require(actor, cycle, _("a component can be added"), expected_version)
    reason = _reason(data.reason)
    component = cycle.mission.component(data.component or "")
    if component is None:
        raise ValidationFailed(
            _("%(mission)s has no component %(code)s.", mission=cycle.mission.code, code=data.component),
            fields={"component": "unknown component"},
        )
    if any(s.component_id == component.id for s in cycle.submissions):
        raise ValidationFailed(
            _("%(code)s already takes part in this cycle.", code=component.code), fields={"component": "already in"}
        )
    if cycle.submission_definition_id is None:
        raise Conflict(_("This cycle takes no component input."))
    submission = Submission(
        cycle_id=cycle.id, cycle=cycle, component=component, state="", due=cycle.input_due, narrative=""
    )
    child = store.definition_of(submission)
    submission.state = child.initial
    db.session.add(submission)
    flush_or_conflict(cycle)
    if cycle.state == "component_input":
        tasks.open_tasks(submission, child, submission.state, clock.now(), actor=actor)
    _audit("add_cycle_component", cycle, actor, f"{component.code}: {reason}", subject_label(submission))
    db.session.flush()
    return submission


def excuse_component(cycle: Cycle, data: ComponentChange, actor, *, expected_version: int | None = None) -> Submission:
    """Let a component off this cycle's input (absent, redeployed): its input no longer holds up the
    joint review, and its open tasks close."""
    _require(actor, cycle, _("a component can be excused"), expected_version)
    reason = _reason(data.reason)
    submission = next((s for s in cycle.submissions if s.component.code == data.component), None)
    if submission is None:
        raise ValidationFailed(
            _("%(code)s does not take part in this cycle.", code=data.component),
            fields={"component": "not in the cycle"},
        )
    if not submission.is_required:
        raise ValidationFailed(
            _("%(code)s is already excused.", code=submission.component.code), fields={"component": "already excused"}
        )
    if submission.state == "endorsed":
        raise ValidationFailed(
            _("The %(code)s input is already endorsed: there is nothing to excuse.", code=submission.component.code),
            fields={"component": "endorsed"},
        )
    submission.is_required = False
    flush_or_conflict(cycle)
    tasks.close_tasks(submission, clock.now())
    _audit("excuse_component", cycle, actor, f"{submission.component.code}: {reason}", subject_label(submission))
    db.session.flush()
    return submission


def set_guidance(cycle: Cycle, text: str | None, actor, *, expected_version: int | None = None) -> Cycle:
    """What the SPU asks of the components this cycle (Markdown, rendered sanitized where shown)."""
    _require(actor, cycle, _("the guidance can be changed"), expected_version)
    cycle.guidance = clean_text(text, "guidance")
    flush_or_conflict(cycle)
    _audit("set_guidance", cycle, actor, "")
    db.session.flush()
    return cycle
