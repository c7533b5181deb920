"""Verbs on component submissions: edit the input, fire submit / endorse / return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.errors import Conflict, Word
from cpas_workflow.core.text import choice, clean_text
from cpas_workflow.engine import fire
from cpas_workflow.engine.firing import check_version, flush_or_conflict, subject_label
from cpas_workflow.engine.guards import INPUT_STATES
from cpas_workflow.extensions import db
from cpas_workflow.submissions import indicator_hooks
from cpas_workflow.submissions.models import RATINGS, Submission, SubmissionComment

EDITABLE_STATES = ("pending", "returned")
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
    access.require(actor, "edit_submission", submission)
    check_version(submission, expected_version)
    if submission.state not in EDITABLE_STATES:
        raise Conflict(
            _l(
                "the %(component)s submission is %(state)s: it can be edited only while pending or returned",
                component=submission.component.code,
                state=Word("state", submission.state),
            )
        )
    if submission.cycle.state not in ("draft_plan", "draft", *INPUT_STATES):
        raise Conflict(
            _l("the cycle is %(state)s: input can no longer be changed", state=Word("state", submission.cycle.state))
        )
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
