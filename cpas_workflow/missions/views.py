"""Pages of a mission: its dashboard (cycles, progress, timeline), starting a cycle, the follow-up board."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from cpas_workflow.core import access
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.errors import DomainError
from cpas_workflow.cycles import operations as cycle_operations
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.cycles.queries import get_mission, mission_cycles, submission_counts
from cpas_workflow.cycles.views import progress, steps
from cpas_workflow.engine import store
from cpas_workflow.extensions import db
from cpas_workflow.framework.queries import published_cycle_ids
from cpas_workflow.pages import choices, refusal_status, today_in
from cpas_workflow.recommendations.models import ACTION_STATUSES, SETTLED_STATUSES, Recommendation, RecommendationUpdate
from cpas_workflow.views import bp
from forms.cycles import StartCycleForm
from forms.recommendations import UpdateForm

TIMELINE_LENGTH = 25
DEFAULT_WORKFLOW = "quarterly_assessment"


@bp.get("/missions/<code>")
@login_required
def mission(code: str):
    item = get_mission(code, current_user)
    cycles = mission_cycles(item)
    counts = submission_counts([c.id for c in cycles])
    timeline = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.mission_id == item.id, AuditEvent.cycle_id.is_not(None))
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(TIMELINE_LENGTH)
    )
    return render_template(
        "missions/show.html",
        mission=item,
        cycles=[(c, progress(c, counts[c.id]), steps(c)) for c in cycles],
        timeline=list(timeline),
        can_start=access.can(current_user, "start_cycle", item),
        published=published_cycle_ids(item),
    )


def _start_form(mission, form: StartCycleForm | None = None) -> StartCycleForm:
    form = form or StartCycleForm(
        formdata=None, workflow=DEFAULT_WORKFLOW, components=[c.code for c in mission.components]
    )
    workflows = [d for d in store.current_definitions().values() if d.subject == "cycle"]
    workflows.sort(key=lambda d: (d.name != DEFAULT_WORKFLOW, d.name))
    form.workflow.choices = [(d.name, d.title) for d in workflows]
    form.components.choices = [(c.code, f"{c.code} — {c.name}") for c in mission.components]
    return form


@bp.get("/missions/<code>/cycles/new")
@login_required
def new_cycle(code: str):
    item = get_mission(code, current_user)
    access.require(current_user, "start_cycle", item)
    return render_template("missions/new_cycle.html", mission=item, form=_start_form(item))


@bp.post("/missions/<code>/cycles/new")
@login_required
def start_cycle(code: str):
    item = get_mission(code, current_user)
    access.require(current_user, "start_cycle", item)
    form = _start_form(item, StartCycleForm())
    if not form.validate_on_submit():
        return render_template("missions/new_cycle.html", mission=item, form=form), 422
    draft = cycle_operations.CycleDraft(
        workflow=form.workflow.data,
        period=form.period.data,
        input_due=form.input_due.data,
        components=list(form.components.data),
        title=form.title.data or None,
    )
    try:
        cycle = cycle_operations.start_cycle(item, draft, current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        status = refusal_status(exc, form)
        return render_template("missions/new_cycle.html", mission=get_mission(code, current_user), form=form), status
    flash(_("Cycle “%(title)s” started. Open component input when the plan is ready.", title=cycle.title), "success")
    return redirect(url_for("web.cycle", cycle_id=cycle.id))


def render_followup(mission, *, status: int = 200, update_forms: dict | None = None):
    """The follow-up board: approved and amended recommendations by component and status."""
    actions = db.session.scalars(
        select(Recommendation)
        .join(Cycle, Recommendation.cycle_id == Cycle.id)
        .where(Cycle.mission_id == mission.id, Recommendation.decision.in_(("approved", "amended")))
        .options(
            contains_eager(Recommendation.cycle),
            joinedload(Recommendation.owner),
            selectinload(Recommendation.updates).joinedload(RecommendationUpdate.actor),
        )
        .order_by(Recommendation.due, Recommendation.id)
    ).unique()
    today = today_in(mission)
    groups: dict = {}
    forms = {}
    for rec in actions:
        groups.setdefault(rec.component, []).append(rec)
        if rec.cycle.state == "followup" and access.can(current_user, "update_recommendation", rec):
            statuses = ACTION_STATUSES + (
                ("carried_over",) if access.can(current_user, "carry_over_recommendation", rec) else ()
            )
            form = (update_forms or {}).get(rec.id) or UpdateForm(formdata=None, prefix=f"u{rec.id}", status=rec.status)
            form.status.choices = choices("status", statuses)
            forms[rec.id] = form
    return render_template(
        "missions/followup.html",
        mission=mission,
        groups=sorted(groups.items(), key=lambda kv: kv[0].code),
        forms=forms,
        today=today,
        settled=SETTLED_STATUSES,
    ), status


@bp.get("/missions/<code>/follow-up")
@login_required
def followup(code: str):
    return render_followup(get_mission(code, current_user))
