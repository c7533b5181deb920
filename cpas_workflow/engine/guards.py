"""The guards definitions can name. Each answers None (go ahead) or the reason it refuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cpas_workflow.core import timezones
from cpas_workflow.core.errors import Joined, Word
from cpas_workflow.engine.registry import FireContext, guard

INPUT_STATES = ("component_input", "joint_review", "correction")  # cycle states that take component input


def _listing(submissions) -> Joined:
    return Joined(
        ", ",
        (
            _l("%(component)s (%(state)s)", component=s.component.code, state=Word("state", s.state))
            for s in submissions
        ),
    )


@guard("input_endorsed_or_late_with_reason")
def input_endorsed_or_late_with_reason(ctx: FireContext):
    cycle = ctx.subject
    missing = [s for s in cycle.submissions if s.is_required and s.state != "endorsed"]
    if not missing:
        return None
    local_today = timezones.local_date(ctx.now, cycle.mission.timezone)
    if local_today <= cycle.input_due:
        return _l(
            "not every submission is endorsed (%(missing)s) and the input deadline %(due)s has not passed yet",
            missing=_listing(missing),
            due=cycle.input_due.isoformat(),
        )
    if not ctx.comment:
        return (
            "comment",
            _l(
                "the input deadline %(due)s has passed without every submission endorsed (%(missing)s): "
                "give the reason for going ahead without them as a comment",
                due=cycle.input_due.isoformat(),
                missing=_listing(missing),
            ),
        )
    return None


@guard("submission_can_be_returned")
def submission_can_be_returned(ctx: FireContext):
    raw = ctx.params.get("submission")
    if raw is None:
        return ("submission", _l("name the submission to return (its id)"))
    submission = next((s for s in ctx.subject.submissions if s.id == raw), None)
    if submission is None:
        return ("submission", _l("submission %(id)s is not part of this cycle", id=raw))
    if submission.state not in ("submitted", "endorsed"):
        return (
            "submission",
            _l(
                "the %(component)s submission is %(state)s: only submitted or endorsed input can be returned",
                component=submission.component.code,
                state=Word("state", submission.state),
            ),
        )
    return None


@guard("no_submission_in_revision")
def no_submission_in_revision(ctx: FireContext):
    returned = [s for s in ctx.subject.submissions if s.state == "returned"]
    if returned:
        return _l("input returned for revision is not back yet: %(returned)s", returned=_listing(returned))
    return None


@guard("every_recommendation_decided")
def every_recommendation_decided(ctx: FireContext):
    undecided = [r for r in ctx.subject.recommendations if r.decision is None]
    if undecided:
        return _l(
            "%(count)s recommendation(s) still need a decision: %(titles)s",
            count=len(undecided),
            titles=Joined(", ", (f"#{r.id} {r.title}" for r in undecided)),
        )
    return None


@guard("every_action_settled")
def every_action_settled(ctx: FireContext):
    from cpas_workflow.recommendations.models import SETTLED_STATUSES

    unsettled = [r for r in ctx.subject.recommendations if r.is_action and r.status not in SETTLED_STATUSES]
    if unsettled:
        return _l(
            "%(count)s follow-up action(s) are neither done, dropped nor carried over: %(actions)s",
            count=len(unsettled),
            actions=Joined(
                ", ",
                (
                    _l("%(title)s (%(status)s)", title=f"#{r.id} {r.title}", status=Word("status", r.status))
                    for r in unsettled
                ),
            ),
        )
    return None


@guard("cycle_accepts_input")
def cycle_accepts_input(ctx: FireContext):
    cycle = ctx.subject.cycle
    if cycle.state not in INPUT_STATES:
        return _l(
            "the cycle is in %(state)s: component input is taken only during component input, joint review or a correction",
            state=Word("state", cycle.state),
        )
    return None


@guard("input_complete")
def input_complete(ctx: FireContext):
    submission = ctx.subject
    if not (submission.narrative or "").strip():
        return ("narrative", _l("write the narrative before submitting"))
    if submission.rating is None:
        return ("rating", _l("choose a progress rating before submitting"))
    return None


@guard("indicator_values_complete")
def indicator_values_complete(ctx: FireContext):
    """Every indicator the component reports on has a value, or says why there is no data."""
    from cpas_workflow.framework.entries import missing_indicators

    missing = missing_indicators(ctx.subject)
    if missing:
        return (
            "indicator_values",
            _l("give a value, or a reason for no data, for %(missing)s before submitting", missing=", ".join(missing)),
        )
    return None
