"""Verbs on component submissions: edit the input, fire submit / endorse / return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from cpas_workflow import abilities
from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.text import choice, clean_text
from cpas_workflow.engine import fire
from cpas_workflow.engine.firing import check_version, flush_or_conflict, subject_label
from cpas_workflow.extensions import db
from cpas_workflow.submissions import indicator_hooks
from cpas_workflow.submissions.models import RATINGS, Submission, SubmissionComment

UNSET = object()


@dataclass
class SubmissionChanges:
    narrative: Any = UNSET
    rating: Any = UNSET
    indicator_values: Any = UNSET
    extra: dict = field(default_factory=dict)


def get_submission(submission_id: int, user) -> Submission:
    """The submission with its cycle (as `cycles.queries.head()` loads it) and its comments."""
    from cpas_workflow.cycles.queries import head

    query = (
        select(Submission)
        .where(Submission.id == submission_id)
        .options(
            joinedload(Submission.cycle).options(*head()),
            selectinload(Submission.comments).joinedload(SubmissionComment.author),
        )
    )
    return access.ensure_visible(user, db.session.scalars(query).unique().first())


def update_submission(
    submission: Submission, changes: SubmissionChanges, actor, *, expected_version: int | None = None
) -> Submission:
    """Save the focal point's draft of the component's input (only while pending or returned)."""
    abilities.require(abilities.can_edit_submission(actor, submission, check_state=False))
    check_version(submission, expected_version)
    abilities.require(abilities.can_edit_submission(actor, submission))
    if changes.narrative is not UNSET:
        submission.narrative = clean_text(changes.narrative, "narrative")
    if changes.rating is not UNSET:
        submission.rating = None if changes.rating is None else choice(changes.rating, "rating", RATINGS)
    if changes.indicator_values is not UNSET:
        indicator_hooks.save_values(submission, changes.indicator_values, actor)
    submission.updated_at = clock.now()
    flush_or_conflict(submission)
    audit.record(
        "edit_submission",
        actor=actor,
        subject=subject_label(submission),
        mission_id=submission.cycle.mission_id,
        cycle_id=submission.cycle_id,
        from_state=submission.state,
        to_state=submission.state,
    )
    return submission


def fire_submission_trigger(
    submission: Submission, trigger: str, actor, *, comment: str | None = None, expected_version: int | None = None
):
    abilities.require(abilities.can_fire(actor, submission, trigger, check_rules=False))  # the rules: in the engine
    if comment is not None:
        comment = clean_text(comment, "comment")
    event = fire(submission, trigger, actor=actor, comment=comment, expected_version=expected_version)
    now = clock.now()
    if submission.state == "submitted":
        submission.submitted_at = now
    elif submission.state == "endorsed":
        submission.endorsed_at = now
    return event


def comment_on_submission(submission: Submission, body: str, actor) -> SubmissionComment:
    """A remark on a component's input (joint review discussion); anyone taking part may add one."""
    access.require(actor, "comment_submission", submission)
    comment = SubmissionComment(
        submission_id=submission.id,
        author_id=actor.id,
        body=clean_text(body, "body", required=True),
        created_at=clock.now(),
    )
    db.session.add(comment)
    db.session.flush()
    db.session.refresh(submission, ["comments"])
    audit.record(
        "comment_submission",
        actor=actor,
        subject=subject_label(submission),
        mission_id=submission.cycle.mission_id,
        cycle_id=submission.cycle_id,
        comment=comment.body,
    )
    return comment
