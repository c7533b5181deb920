"""Notices of decisions on someone's own input: their component's input returned or endorsed, a
recommendation they drafted decided by leadership. In the application only (the e-mails of these
events are the tasks they open and the digest's "what changed"); keyed by the object's version, so a
rerun adds nothing and a second return is told again."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, select

from cpas_workflow.accounts.models import RoleAssignment, User
from cpas_workflow.accounts.queries import TODAY
from cpas_workflow.core.db import run
from notifications import inbox
from notifications.recipients import current_assignment

INPUT_STATES_TOLD = {"returned": "returned", "endorsed": "decision"}


@functools.cache
def _focal_points():
    """The component's current focal points: built once, run with `:component_id` (today's date is
    worked out as it runs)."""
    return (
        select(RoleAssignment.user_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.role == "focal_point",
            RoleAssignment.component_id == bindparam("component_id"),
            current_assignment(TODAY),
            User.is_enabled.is_(True),
        )
    )


def tell_input_moved(submission, actor) -> int:
    """The component's focal points hear that their input was returned or endorsed."""
    kind = INPUT_STATES_TOLD.get(submission.state)
    if kind is None:
        return 0
    holders = run(_focal_points(), {"component_id": submission.component_id}).scalars()
    # the words (component, cycle title): the sentence is made in the reader's language when read;
    # `subject` is the English one, as notices stored it before
    subject = f"{submission.component.code} input, {submission.cycle.title}"
    return inbox.add_notices(
        [
            inbox.notice(
                f"{kind}:submission-{submission.id}:v{submission.version}:user-{uid}",
                uid,
                kind,
                f"/submissions/{submission.id}",
                actor=actor.name,
                subject=subject,
                input_of=[submission.component.code, submission.cycle.title],
                detail_label=["state", submission.state],
            )
            for uid in sorted(set(holders))
            if uid != actor.id
        ]
    )


def tell_recommendation_decided(recommendation, actor) -> int:
    """Whoever drafted the recommendation hears leadership's decision on it."""
    drafter = recommendation.created_by_id
    if drafter is None or drafter == actor.id:
        return 0
    return inbox.add_notices(
        [
            inbox.notice(
                f"decision:recommendation-{recommendation.id}:v{recommendation.version}:user-{drafter}",
                drafter,
                "decision",
                f"/recommendations/{recommendation.id}",
                actor=actor.name,
                subject=f"“{recommendation.title}”",
                detail_label=["decision", recommendation.decision],
            )
        ]
    )
