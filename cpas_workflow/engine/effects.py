"""The effects definitions can name: work done in the same transaction once the state changed."""

from __future__ import annotations

from cpas_workflow.engine import tasks
from cpas_workflow.engine.registry import FireContext, effect


@effect("open_submissions")
def open_submissions(ctx: FireContext) -> None:
    """Input opens: every participating component gets the tasks of its submission's first state,
    from the sub-workflow version stored when the cycle started (not the file as it is now)."""
    from cpas_workflow.engine.store import definition_of

    for submission in ctx.subject.submissions:
        tasks.open_tasks(submission, definition_of(submission), submission.state, ctx.now, actor=ctx.actor)


@effect("return_submission")
def return_submission(ctx: FireContext) -> None:
    """The joint review sends one submission back: it goes through its own `return` transition."""
    from cpas_workflow.engine.firing import fire

    submission = next(s for s in ctx.subject.submissions if s.id == ctx.params["submission"])
    fire(submission, "return", actor=ctx.actor, comment=ctx.comment, by_effect=True)


@effect("start_followup")
def start_followup(ctx: FireContext) -> None:
    """Approved and amended recommendations become open actions, owned by whoever leadership chose
    at sign-off, or else by the head of their component."""
    from cpas_workflow.recommendations.owners import default_owner

    for recommendation in ctx.subject.recommendations:
        if not recommendation.is_action:
            continue
        recommendation.status = recommendation.status or "open"
        if recommendation.owner_id is None:
            recommendation.owner = default_owner(recommendation)


@effect("publish_framework")
def publish_framework(ctx: FireContext) -> None:
    """Leadership's sign-off of the mission plan publishes the results framework drafted with it."""
    from cpas_workflow.framework.operations import publish_draft

    publish_draft(ctx.subject, ctx.actor, ctx.now)
