"""The guards definitions can name. Each answers None (go ahead) or the reason it refuses."""

from __future__ import annotations

from cpas_workflow.core import timezones
from cpas_workflow.engine.registry import FireContext, guard

INPUT_STATES = ("component_input", "joint_review", "correction")  # cycle states that take component input


def _listing(submissions) -> str:
    return ", ".join(f"{s.component.code} ({s.state})" for s in submissions)


@guard("input_endorsed_or_late_with_reason")
def input_endorsed_or_late_with_reason(ctx: FireContext):
    cycle = ctx.subject
    missing = [s for s in cycle.submissions if s.is_required and s.state != "endorsed"]
    if not missing:
        return None
    local_today = timezones.local_date(ctx.now, cycle.mission.timezone)
    if local_today <= cycle.input_due:
        return (
            f"not every submission is endorsed ({_listing(missing)}) and the input deadline "
            f"{cycle.input_due.isoformat()} has not passed yet"
        )
    if not ctx.comment:
        return (
            "comment",
            f"the input deadline {cycle.input_due.isoformat()} has passed without every submission endorsed "
            f"({_listing(missing)}): give the reason for going ahead without them as a comment",
        )
    return None


@guard("submission_can_be_returned")
def submission_can_be_returned(ctx: FireContext):
    raw = ctx.params.get("submission")
    if raw is None:
        return ("submission", "name the submission to return (its id)")
    submission = next((s for s in ctx.subject.submissions if s.id == raw), None)
    if submission is None:
        return ("submission", f"submission {raw} is not part of this cycle")
    if submission.state not in ("submitted", "endorsed"):
        return (
            "submission",
            f"the {submission.component.code} submission is {submission.state}: only submitted or endorsed input can be returned",
        )
    return None


@guard("no_submission_in_revision")
def no_submission_in_revision(ctx: FireContext):
    returned = [s for s in ctx.subject.submissions if s.state == "returned"]
    if returned:
        return f"input returned for revision is not back yet: {_listing(returned)}"
    return None


@guard("every_recommendation_decided")
def every_recommendation_decided(ctx: FireContext):
    undecided = [r for r in ctx.subject.recommendations if r.decision is None]
    if undecided:
        return f"{len(undecided)} recommendation(s) still need a decision: " + ", ".join(
            f"#{r.id} {r.title}" for r in undecided
        )
    return None


@guard("every_action_settled")
def every_action_settled(ctx: FireContext):
    from cpas_workflow.recommendations.models import SETTLED_STATUSES

    unsettled = [r for r in ctx.subject.recommendations if r.is_action and r.status not in SETTLED_STATUSES]
    if unsettled:
        return f"{len(unsettled)} follow-up action(s) are neither done, dropped nor carried over: " + ", ".join(
            f"#{r.id} {r.title} ({r.status})" for r in unsettled
        )
    return None


@guard("cycle_accepts_input")
def cycle_accepts_input(ctx: FireContext):
    cycle = ctx.subject.cycle
    if cycle.state not in INPUT_STATES:
        return f"the cycle is in {cycle.state}: component input is taken only during component input, joint review or a correction"
    return None


@guard("input_complete")
def input_complete(ctx: FireContext):
    submission = ctx.subject
    if not (submission.narrative or "").strip():
        return ("narrative", "write the narrative before submitting")
    if submission.rating is None:
        return ("rating", "choose a progress rating before submitting")
    return None


@guard("indicator_values_complete")
def indicator_values_complete(ctx: FireContext):
    """Every indicator the component reports on has a value, or says why there is no data."""
    from cpas_workflow.framework.entries import missing_indicators

    missing = missing_indicators(ctx.subject)
    if missing:
        return (
            "indicator_values",
            f"give a value, or a reason for no data, for {', '.join(missing)} before submitting",
        )
    return None
