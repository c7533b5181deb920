"""Verbs on component submissions: edit the input, fire submit / endorse / return."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from cpas_workflow import abilities
from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.text import choice, clean_text
from cpas_workflow.engine import fire
from cpas_workflow.engine.firing import check_version, flush_or_conflict, subject_label
from cpas_workflow.extensions import db
from cpas_workflow.framework import entries
from cpas_workflow.submissions import indicator_hooks
from cpas_workflow.submissions.models import RATINGS, Submission, SubmissionComment

UNSET = object()


@dataclass
class SubmissionChanges:
    narrative: Any = UNSET
    rating: Any = UNSET
    indicator_values: Any = UNSET
    extra: dict = field(default_factory=dict)


@functools.cache
def _submission_query(with_comments: bool):
    """Built once per variant, run with the id as a parameter."""
    from cpas_workflow.cycles.models import Cycle
    from cpas_workflow.cycles.queries import head

    if with_comments:
        options = [
            joinedload(Submission.cycle).options(*head()),
            selectinload(Submission.comments).joinedload(SubmissionComment.author),
        ]
    else:  # one row: the submission, its own component, its cycle, mission and definition rows
        cycle = joinedload(Submission.cycle)
        options = [
            joinedload(Submission.component),
            cycle.joinedload(Cycle.mission),
            cycle.joinedload(Cycle.definition),
            cycle.joinedload(Cycle.submission_definition),
        ]
    return select(Submission).where(Submission.id == bindparam("submission_id")).options(*options)


def get_submission(submission_id: int, user, *, with_comments: bool = True) -> Submission:
    """The submission with its cycle (as `cycles.queries.head()` loads it: with the mission's
    components) and its comments with their authors, for its page; `with_comments=False` for the API
    and firing: the submission's own component only and no comments (one row, one statement fewer)."""
    query = _submission_query(with_comments)
    return access.ensure_visible(user, db.session.scalars(query, {"submission_id": submission_id}).unique().first())


def update_submission(
    submission: Submission, changes: SubmissionChanges, actor, *, expected_version: int | None = None
) -> Submission:
    """Save the focal point's draft of the component's input (only while pending or returned)."""
    _require_editable(submission, actor, expected_version)
    if changes.narrative is not UNSET:
        submission.narrative = clean_text(changes.narrative, "narrative")
    if changes.rating is not UNSET:
        submission.rating = None if changes.rating is None else choice(changes.rating, "rating", RATINGS)
    if changes.indicator_values is not UNSET:
        indicator_hooks.save_values(submission, changes.indicator_values, actor)
    _edited(submission, actor)
    return submission


def _require_editable(submission: Submission, actor, expected_version: int | None) -> None:
    abilities.require(abilities.can_edit_submission(actor, submission, check_state=False))
    check_version(submission, expected_version)
    abilities.require(abilities.can_edit_submission(actor, submission))


def _edited(submission: Submission, actor) -> None:
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


@dataclass
class TypedInput:
    """The focal point's page: everything of the input in one form."""

    narrative: str
    rating: str | None
    indicator_values: list[dict]


def save_input(
    submission: Submission, typed: TypedInput, actor, *, submit: bool = False, expected_version: int | None = None
) -> dict[str, str]:
    """Save what the focal point typed as the draft (whatever can be kept: a value that cannot be
    read keeps what was saved before), then submit it if asked and nothing is missing. Answers every
    problem at once by field; none means saved (and submitted, if asked)."""
    _require_editable(submission, actor, expected_version)
    # a browser sends a textarea's line breaks as CRLF: stored as the API stores them
    submission.narrative = clean_text((typed.narrative or "").replace("\r\n", "\n"), "narrative")
    submission.rating = None if not typed.rating else choice(typed.rating, "rating", RATINGS)
    problems = indicator_hooks.save_values(submission, typed.indicator_values, actor, partial=True)
    _edited(submission, actor)
    if submit:  # what is missing too, all at once; an indicator refused above is named once
        refused = {entries.code_of(name) for name in problems if name.startswith(entries.PREFIX)}
        missing = missing_before_submit(submission)
        problems.update(
            (name, message)
            for name, message in missing.items()
            if not (name.startswith(entries.PREFIX) and entries.code_of(name) in refused)
        )
    if submit and not problems:
        fire_submission_trigger(submission, "submit", actor)
    return problems


def missing_before_submit(submission: Submission) -> dict[str, str]:
    """What submitting still needs, every item at once (the definition's guards refuse the first)."""
    missing: dict[str, str] = {}
    if not (submission.narrative or "").strip():
        missing["narrative"] = _("Before submitting, write the narrative.")
    if submission.rating is None:
        missing["rating"] = _("Before submitting, choose a progress rating.")
    for code in entries.missing_indicators(submission):
        missing[f"indicator_values.{code}.value"] = _(
            "%(code)s: give a value, or tick “No data this period” and say why.", code=code
        )
    return missing


def fire_submission_trigger(
    submission: Submission, trigger: str, actor, *, comment: str | None = None, expected_version: int | None = None
):
    """Fire `trigger` on `submission`: a Submission, or a `rows.SubmissionRow` (the API's fast path:
    no object loaded or written through the session)."""
    abilities.require(abilities.can_fire(actor, submission, trigger, check_rules=False))  # the rules: in the engine
    if comment is not None:
        comment = clean_text(comment, "comment")
    return fire(submission, trigger, actor=actor, comment=comment, expected_version=expected_version)


def comment_on_submission(
    submission: Submission, body: str, actor, *, parent_id: int | None = None
) -> SubmissionComment:
    """A remark on a component's input (joint review discussion), or a reply to one; anyone taking part
    may add one (the thread, its mentions and notices: cpas_workflow/comments)."""
    from cpas_workflow.comments.operations import post_comment

    access.require(actor, "comment_submission", submission)
    comment = post_comment(submission, body, actor, parent_id=parent_id)
    db.session.refresh(submission, ["comments"])
    return comment
