"""Handover at rotation: what a role's holder leaves their successor when the assignment ends.

A handover is read from what is there (open tasks and actions of the role, the last two quarters'
input and decisions with their reasons, the notes the predecessor wrote); only the notes and each
acknowledgement are stored. The successor is whoever holds the same role in the same place now; the
SPU of the mission (and an admin) may read every handover of the mission."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts.models import Handover, RoleAssignment
from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.errors import Forbidden, NotFound
from cpas_workflow.core.listing import PAGE_SIZE
from cpas_workflow.core.text import clean_text
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.evidence.models import Attachment
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.submissions.models import Submission
from cpas_workflow.tasks.models import Task

RECENT_DAYS = 180  # the handovers listed to a successor: assignments ended within this many days
SHOWN = 50  # at most this many rows per section of a handover page


def _ended(today: dt.date):
    return or_(RoleAssignment.ended_at.is_not(None), RoleAssignment.ends_on < today)


def _in_reach(user):
    """A SQL condition: the assignment is one `user` succeeds to (same role, same place) or oversees
    as the SPU of its mission; None when they may see every one (admin)."""
    held = access.grants(user)
    if any(g.role == "admin" for g in held):
        return None
    same_place = [
        and_(
            RoleAssignment.role == g.role,
            RoleAssignment.mission_id == g.mission_id,
            RoleAssignment.component_id.is_(None)
            if g.component_id is None
            else RoleAssignment.component_id == g.component_id,
        )
        for g in held
        if g.mission_id is not None
    ]
    spu_of = {g.mission_id for g in held if g.role == "spu"}
    if spu_of:
        same_place.append(RoleAssignment.mission_id.in_(spu_of))
    return or_(*same_place) if same_place else false()


def waiting_for(user, *, page: int = 1) -> tuple[list[RoleAssignment], bool]:
    """Handovers of recently ended assignments the user succeeds to or oversees, not yet acknowledged
    by them, newest first: one page, and whether more follow."""
    today = clock.today()
    reach = _in_reach(user)
    acknowledged = exists().where(Handover.assignment_id == RoleAssignment.id, Handover.acknowledged_by_id == user.id)
    query = (
        select(RoleAssignment)
        .where(
            RoleAssignment.mission_id.is_not(None),
            RoleAssignment.user_id != user.id,
            _ended(today),
            RoleAssignment.ends_on >= today - dt.timedelta(days=RECENT_DAYS),
            ~acknowledged,
        )
        .options(
            joinedload(RoleAssignment.user), joinedload(RoleAssignment.mission), joinedload(RoleAssignment.component)
        )
        .order_by(RoleAssignment.ends_on.desc(), RoleAssignment.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    if reach is not None:
        query = query.where(reach)
    rows = list(db.session.scalars(query).unique())
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def get_assignment(assignment_id: int, user) -> RoleAssignment:
    """A mission or component role assignment whose handover `user` may read: its holder, a holder
    of the same role there now, the SPU of the mission, an admin. Another mission's: not found."""
    assignment = db.session.scalars(
        select(RoleAssignment)
        .where(RoleAssignment.id == assignment_id, RoleAssignment.mission_id.is_not(None))
        .options(
            joinedload(RoleAssignment.user), joinedload(RoleAssignment.mission), joinedload(RoleAssignment.component)
        )
    ).first()
    if assignment is None:
        raise NotFound("no such handover")
    access.ensure_visible(user, assignment.component or assignment.mission)
    if not may_read(user, assignment):
        raise Forbidden("a handover is for the holder's successor, the SPU of the mission and the holder")
    return assignment


def may_read(user, assignment: RoleAssignment) -> bool:
    if assignment.user_id == user.id:
        return True
    held = access.grants(user)
    return any(
        g.role == "admin"
        or (g.role == "spu" and g.mission_id == assignment.mission_id)
        or (g.role, g.mission_id, g.component_id) == (assignment.role, assignment.mission_id, assignment.component_id)
        for g in held
    )


@dataclass
class HandoverPage:
    assignment: RoleAssignment
    tasks: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    cycles: list = field(default_factory=list)
    submissions: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    acknowledgements: list = field(default_factory=list)
    files: dict = field(default_factory=dict)  # ("submission" | "action", id) -> its attachments

    def files_of(self, kind: str, obj) -> list:
        return self.files.get((kind, obj.id), [])


def handover_page(assignment: RoleAssignment) -> HandoverPage:
    """Everything the successor needs, a bounded number of rows per section."""
    page = HandoverPage(assignment)
    place = [Task.mission_id == assignment.mission_id, Task.role == assignment.role]
    if assignment.component_id is not None:
        place.append(Task.component_id == assignment.component_id)
    page.tasks = list(
        db.session.scalars(
            select(Task)
            .where(Task.closed_at.is_(None), *place)
            .options(joinedload(Task.mission), joinedload(Task.component), joinedload(Task.assignee))
            .order_by(Task.due, Task.id)
            .limit(SHOWN)
        )
    )
    of_component = (
        [Recommendation.component_id == assignment.component_id] if assignment.component_id is not None else []
    )
    page.actions = list(
        db.session.scalars(
            select(Recommendation)
            .join(Cycle, Cycle.id == Recommendation.cycle_id)
            .where(
                Cycle.mission_id == assignment.mission_id,
                Recommendation.status.in_(("open", "in_progress")),
                *of_component,
            )
            .options(joinedload(Recommendation.component), joinedload(Recommendation.owner))
            .order_by(Recommendation.due, Recommendation.id)
            .limit(SHOWN)
        )
    )
    page.cycles = list(
        db.session.scalars(
            select(Cycle)
            .where(Cycle.mission_id == assignment.mission_id, Cycle.submission_definition_id.is_not(None))
            .order_by(Cycle.period.desc(), Cycle.id.desc())
            .limit(2)
        )
    )
    cycle_ids = [c.id for c in page.cycles]
    if cycle_ids:
        of_submission = (
            [Submission.component_id == assignment.component_id] if assignment.component_id is not None else []
        )
        page.submissions = list(
            db.session.scalars(
                select(Submission)
                .where(Submission.cycle_id.in_(cycle_ids), *of_submission)
                .options(joinedload(Submission.component))
                .order_by(Submission.cycle_id.desc(), Submission.id)
                .limit(SHOWN)
            )
        )
        page.decisions = list(
            db.session.scalars(
                select(Recommendation)
                .where(Recommendation.cycle_id.in_(cycle_ids), Recommendation.decision.is_not(None), *of_component)
                .options(joinedload(Recommendation.component))
                .order_by(Recommendation.cycle_id.desc(), Recommendation.id)
                .limit(SHOWN)
            )
        )
        page.reasons = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.cycle_id.in_(cycle_ids), AuditEvent.comment.is_not(None))
                .where(AuditEvent.action.not_in(("edit_submission", "assign_task", "claim_task")))
                .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.on_behalf_of))
                .order_by(AuditEvent.id.desc())
                .limit(SHOWN)
            )
        )
    page.files = _files(page.submissions, page.actions)
    page.acknowledgements = list(
        db.session.scalars(
            select(Handover)
            .where(Handover.assignment_id == assignment.id)
            .options(joinedload(Handover.acknowledged_by))
            .order_by(Handover.id)
        )
    )
    return page


def _files(submissions, actions) -> dict:
    """The evidence attached to the input and the open actions shown, by object, in one statement."""
    by_submission, by_action = [s.id for s in submissions], [r.id for r in actions]
    if not by_submission and not by_action:
        return {}
    rows = db.session.scalars(
        select(Attachment)
        .where(or_(Attachment.submission_id.in_(by_submission), Attachment.recommendation_id.in_(by_action)))
        .order_by(Attachment.id)
    )
    files: dict = {}
    for attachment in rows:
        key = (
            ("submission", attachment.submission_id)
            if attachment.submission_id
            else ("action", attachment.recommendation_id)
        )
        files.setdefault(key, []).append(attachment)
    return files


def write_handover_notes(assignment: RoleAssignment, data: dict, actor) -> RoleAssignment:
    """The holder writes (or rewrites) what their successor should know."""
    if assignment.user_id != getattr(actor, "id", None):
        raise Forbidden("only the holder of this role writes its handover notes")
    assignment.handover_notes = clean_text(data.get("notes"), "notes", max_length=20000) or None
    db.session.flush()
    audit.record(
        "write_handover_notes",
        actor=actor,
        on_behalf_of=None,
        subject=f"role:{assignment.id}",
        mission_id=assignment.mission_id,
    )
    return assignment


def acknowledge_handover(assignment: RoleAssignment, data: dict, actor) -> Handover:
    """The successor (or the SPU) says they have read it; recorded once per person, audited."""
    if assignment.user_id == actor.id:
        raise Forbidden("the holder does not acknowledge their own handover")
    found = db.session.scalars(
        select(Handover).where(Handover.assignment_id == assignment.id, Handover.acknowledged_by_id == actor.id)
    ).first()
    if found is not None:
        return found
    now = clock.now()
    ack = Handover(assignment_id=assignment.id, acknowledged_by_id=actor.id, acknowledged_at=now, created_at=now)
    db.session.add(ack)
    db.session.flush()
    audit.record(
        "acknowledge_handover",
        actor=actor,
        on_behalf_of=None,
        subject=f"role:{assignment.id}",
        mission_id=assignment.mission_id,
        comment=f"{assignment.role} held by {assignment.user.email}",
    )
    return ack
