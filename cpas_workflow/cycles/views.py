"""Pages: my tasks, a cycle (where it stands, its submissions, recommendations, audit trail)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.errors import DomainError
from cpas_workflow.cycles import operations, queries
from cpas_workflow.engine import store
from cpas_workflow.engine.firing import allowed_triggers
from cpas_workflow.extensions import db
from cpas_workflow.tasks.queries import is_overdue, open_tasks_for
from cpas_workflow.views import bp
from forms.cycles import TransitionForm


@bp.get("/")
@login_required
def index():
    return render_template("tasks/index.html", tasks=open_tasks_for(current_user), is_overdue=is_overdue)


@bp.get("/cycles/<int:cycle_id>")
@login_required
def cycle(cycle_id: int):
    item = queries.get_cycle(cycle_id, current_user)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.cycle_id == item.id).order_by(AuditEvent.id)
    ).unique()
    definition = store.definition_of(item)
    triggers = [definition.transition(t, item.state) for t in allowed_triggers(item, current_user)]
    return render_template(
        "cycles/show.html",
        cycle=item,
        definition=definition,
        events=list(events),
        triggers=triggers,
        form=TransitionForm(expected_version=item.version),
    )


@bp.post("/cycles/<int:cycle_id>/transitions")
@login_required
def cycle_transition(cycle_id: int):
    form = TransitionForm()
    item = queries.get_cycle(cycle_id, current_user, for_update=True)
    if not form.validate_on_submit():
        flash(_("The form was not accepted: %(errors)s", errors=form.errors), "error")
        return redirect(url_for("web.cycle", cycle_id=cycle_id))
    try:
        operations.fire_cycle_trigger(
            item,
            form.trigger.data,
            current_user,
            comment=form.comment.data,
            expected_version=form.expected_version.data,
            submission_id=form.submission.data,
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("web.cycle", cycle_id=cycle_id))
    flash(_("Done: %(trigger)s.", trigger=request.form.get("trigger")), "success")
    return redirect(url_for("web.cycle", cycle_id=cycle_id))
