"""What a task e-mail says is still missing, read when the e-mail is rendered (so a reminder sent on
the sixth day late names what is missing then): the narrative, the rating and the indicators without
a value of a component's input; the inputs not yet endorsed before a joint review; the recommendations
still undecided at sign-off. Each line is marked for translation and rendered in the recipient's
language by the template."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cpas_workflow.core.errors import Word
from cpas_workflow.extensions import db

# The models and queries are imported where used: the engine imports task_messages, which imports this.

EDITABLE = ("pending", "returned")
MAX_LINES = 12  # an e-mail lists this many indicators; the page has the rest


def still_missing(snapshot: dict) -> list:
    """The lines of "what is still missing" for the task a snapshot describes (none when nothing is)."""
    if snapshot.get("submission_id"):
        return _missing_input(snapshot["submission_id"])
    key = (snapshot.get("key") or "").rsplit(":", 1)[-1]
    if key in ("start_review", "signoff") and snapshot.get("cycle_id"):
        return _missing_for_cycle(snapshot["cycle_id"], key)
    return []


def _missing_input(submission_id: int) -> list:
    from cpas_workflow.cycles.models import Cycle
    from cpas_workflow.framework import queries
    from cpas_workflow.submissions.models import Submission

    submission = db.session.scalar(
        select(Submission)
        .where(Submission.id == submission_id)
        .options(joinedload(Submission.cycle).options(joinedload(Cycle.mission), joinedload(Cycle.definition)))
    )
    if submission is None or submission.state not in EDITABLE:
        return []
    lines = []
    if not (submission.narrative or "").strip():
        lines.append(_l("the narrative"))
    if submission.rating is None:
        lines.append(_l("the progress rating"))
    given = {v.indicator_id for v in queries.values_of_submission(submission)}
    missing = [i for i in queries.indicators_of(submission) if i.id not in given]
    for indicator in missing[:MAX_LINES]:
        lines.append(
            _l("a value (or why there is no data) for %(code)s %(title)s", code=indicator.code, title=indicator.title)
        )
    if len(missing) > MAX_LINES:
        lines.append(_l("and %(count)s more indicators", count=len(missing) - MAX_LINES))
    return lines


def _missing_for_cycle(cycle_id: int, key: str) -> list:
    from cpas_workflow.recommendations.models import Recommendation
    from cpas_workflow.submissions.models import Submission

    if key == "start_review":
        rows = db.session.execute(
            select(Submission.state, Submission.component_id)
            .where(Submission.cycle_id == cycle_id, Submission.is_required.is_(True), Submission.state != "endorsed")
            .order_by(Submission.id)
        ).all()
        codes = _component_codes({r.component_id for r in rows})
        return [
            _l(
                "the %(component)s input (%(state)s)",
                component=codes.get(r.component_id, "?"),
                state=Word("state", r.state),
            )
            for r in rows
        ]
    undecided = db.session.scalars(
        select(Recommendation.title)
        .where(Recommendation.cycle_id == cycle_id, Recommendation.decision.is_(None))
        .order_by(Recommendation.id)
    ).all()
    return [_l("a decision on “%(title)s”", title=title) for title in undecided[:MAX_LINES]]


def _component_codes(ids: set[int]) -> dict[int, str]:
    from cpas_workflow.missions.models import Component

    if not ids:
        return {}
    return dict(db.session.execute(select(Component.id, Component.code).where(Component.id.in_(ids))).all())
