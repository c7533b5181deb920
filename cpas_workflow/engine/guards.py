"""The guards definitions can name. Each answers None (go ahead) or the reason it refuses, in the
reader's words: the same sentence is the API's 422 message and the reason a page gives beside a
disabled button (`abilities` runs the guards without firing)."""

from __future__ import annotations

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cpas_workflow.core import timezones
from cpas_workflow.engine.registry import FireContext, guard

INPUT_STATES = ("component_input", "joint_review", "correction")  # cycle states that take component input
CAME_IN = ("submitted", "endorsed")  # component input that has come in (and may be sent back)


def _state(state: str) -> str:
    from cpas_workflow.pages import label

    return label("state", state)


def _listing(submissions) -> str:
    """'Military (Submitted), Police (Pending)': component names with their input's state, in words."""
    return ", ".join(f"{s.component.name} ({_state(s.state).lower()})" for s in submissions)


def returnable(cycle) -> list:
    """The cycle's input that has come in: what the SPU (or leadership, reopening) may send back."""
    return [s for s in cycle.submissions if s.state in CAME_IN]


@guard("input_endorsed_or_late_with_reason")
def input_endorsed_or_late_with_reason(ctx: FireContext):
    cycle = ctx.subject
    missing = [s for s in cycle.submissions if s.is_required and s.state != "endorsed"]
    if not missing:
        return None
    local_today = timezones.local_date(ctx.now, cycle.mission.timezone)
    if local_today <= cycle.input_due:
        return _(
            "Waiting for endorsed input from %(missing)s; you can go ahead without it after %(due)s, with a reason.",
            missing=_listing(missing),
            due=format_date(cycle.input_due),
        )
    if not ctx.comment:
        return (
            "comment",
            _(
                "The input deadline (%(due)s) has passed without endorsed input from %(missing)s: "
                "give the reason for going ahead without it.",
                due=format_date(cycle.input_due),
                missing=_listing(missing),
            ),
        )
    return None


@guard("submission_can_be_returned")
def submission_can_be_returned(ctx: FireContext):
    raw = ctx.params.get("submission")
    if raw is None:
        return ("submission", _("Choose the component whose input is to be sent back."))
    submission = next((s for s in ctx.subject.submissions if s.id == raw), None)
    if submission is None:
        return ("submission", _("Input %(id)s is not part of this cycle.", id=raw))
    if submission.state not in CAME_IN:
        return (
            "submission",
            _(
                "The %(component)s input is “%(state)s”: only input that has come in (submitted or endorsed) can be sent back.",
                component=submission.component.name,
                state=_state(submission.state),
            ),
        )
    return None


@guard("no_submission_in_revision")
def no_submission_in_revision(ctx: FireContext):
    returned = [s for s in ctx.subject.submissions if s.state == "returned"]
    if returned:
        return _(
            "Input sent back for revision is not back yet: %(components)s.",
            components=", ".join(s.component.name for s in returned),
        )
    return None


@guard("every_recommendation_decided")
def every_recommendation_decided(ctx: FireContext):
    undecided = [r for r in ctx.subject.recommendations if r.decision is None]
    if undecided:
        return ngettext(
            "%(num)d recommendation still to decide: %(titles)s.",
            "%(num)d recommendations still to decide: %(titles)s.",
            len(undecided),
            titles="; ".join(f"“{r.title}”" for r in undecided),
        )
    return None


@guard("every_action_settled")
def every_action_settled(ctx: FireContext):
    from cpas_workflow.recommendations.models import SETTLED_STATUSES

    unsettled = [r for r in ctx.subject.recommendations if r.is_action and r.status not in SETTLED_STATUSES]
    if unsettled:
        return ngettext(
            "%(num)d follow-up action is not done, dropped or carried over yet: %(titles)s.",
            "%(num)d follow-up actions are not done, dropped or carried over yet: %(titles)s.",
            len(unsettled),
            titles="; ".join(f"“{r.title}”" for r in unsettled),
        )
    return None


@guard("cycle_accepts_input")
def cycle_accepts_input(ctx: FireContext):
    cycle = ctx.subject.cycle
    if cycle.state not in INPUT_STATES:
        return _(
            "The cycle is at “%(step)s”: component input is taken during component input, the joint review "
            "or a correction only.",
            step=_state(cycle.state),
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
