"""Pages' forms on recommendations: draft (joint review), decide (sign-off), follow-up updates."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow.core import access
from cpas_workflow.core.errors import DomainError
from cpas_workflow.cycles.queries import get_cycle
from cpas_workflow.cycles.views import LOADS, render_page
from cpas_workflow.extensions import db
from cpas_workflow.missions.views import render_followup
from cpas_workflow.pages import label, refusal_status
from cpas_workflow.recommendations import operations
from cpas_workflow.refusals import commit
from cpas_workflow.views import bp
from forms.recommendations import DecisionForm, RecommendationForm, UpdateForm


@bp.post("/cycles/<int:cycle_id>/recommendations")
@login_required
def draft_recommendation(cycle_id: int):
    cycle = get_cycle(cycle_id, current_user, for_update=True, options=LOADS["review"]())
    access.require(current_user, "draft_recommendation", cycle)  # 403 before any form error
    form = RecommendationForm()
    form.component.choices = [(c.code, c.code) for c in cycle.mission.components]
    if not form.validate_on_submit():
        return render_page("review", cycle, status=422, recommendation_form=form)
    draft = operations.RecommendationDraft(
        title=form.title.data, body=form.body.data, component=form.component.data, due=form.due.data
    )
    try:
        operations.draft_recommendation(cycle, draft, current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        status = refusal_status(exc, form)
        cycle = get_cycle(cycle_id, current_user, options=LOADS["review"]())
        return render_page("review", cycle, status=status, recommendation_form=form)
    flash(_("Recommendation “%(title)s” added.", title=draft.title.strip()), "success")
    return redirect(url_for("web.joint_review", cycle_id=cycle_id))


@bp.post("/recommendations/<int:recommendation_id>/decision")
@login_required
def decide_recommendation(recommendation_id: int):
    recommendation = operations.get_recommendation(recommendation_id, current_user)
    access.require(current_user, "decide_recommendation", recommendation)
    form = DecisionForm(prefix=f"r{recommendation.id}")
    form.decision.choices = [(d, d) for d in ("approve", "reject", "amend")]
    cycle_id = recommendation.cycle_id
    if form.validate_on_submit():
        try:
            operations.decide_recommendation(
                recommendation,
                form.decision.data,
                current_user,
                comment=form.comment.data,
                body=form.body.data if form.decision.data == "amend" else None,
            )
            commit()
            flash(
                _(
                    "“%(title)s”: %(decision)s.",
                    title=recommendation.title,
                    decision=label("decision", recommendation.decision),
                ),
                "success",
            )
            return redirect(url_for("web.signoff", cycle_id=cycle_id) + f"#rec-{recommendation_id}")
        except DomainError as exc:
            db.session.rollback()
            status = refusal_status(exc, form)
    else:
        status = 422
    recommendation = operations.get_recommendation(recommendation_id, current_user)
    return render_page(
        "signoff",
        get_cycle(cycle_id, current_user, options=LOADS["signoff"]()),
        status=status,
        decision_forms={recommendation.id: form},
    )


@bp.post("/recommendations/<int:recommendation_id>/updates")
@login_required
def update_recommendation(recommendation_id: int):
    recommendation = operations.get_recommendation(recommendation_id, current_user)
    access.require(current_user, "update_recommendation", recommendation)
    form = UpdateForm(prefix=f"u{recommendation.id}")
    form.status.choices = [(s, s) for s in ("open", "in_progress", "done", "dropped", "carried_over")]
    mission = recommendation.cycle.mission
    if form.validate_on_submit():
        try:
            operations.add_update(recommendation, form.status.data, form.note.data, current_user)
            commit()
            flash(
                _(
                    "Update recorded on “%(title)s”: %(status)s.",
                    title=recommendation.title,
                    status=label("status", form.status.data),
                ),
                "success",
            )
            back = url_for("web.followup", code=mission.code, **request.args.to_dict())  # the board as it was
            return redirect(back + f"#rec-{recommendation_id}")
        except DomainError as exc:
            db.session.rollback()
            status = refusal_status(exc, form)
    else:
        status = 422
    return render_followup(mission, status=status, update_forms={recommendation_id: form})
