"""Pages: delegations on the profile (and for someone else, by an admin or the SPU), taking and
assigning tasks."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow.accounts.models import User
from cpas_workflow.accounts.queries import get_user
from cpas_workflow.core.errors import DomainError, NotFound
from cpas_workflow.core.redirects import safe_path
from cpas_workflow.extensions import db
from cpas_workflow.pages import refusal_status
from cpas_workflow.people import handovers as handover_queries
from cpas_workflow.people import operations, queries
from cpas_workflow.views import bp
from forms.notifications import ButtonForm
from forms.people import AssignForm, DelegationForm, HandoverNotesForm


def _person(user_id: int) -> User:
    """A user whose delegations the caller may manage (self, admin, SPU of their mission); else 404."""
    user = get_user(user_id) if user_id <= 2**31 - 1 else None
    if user is None or not operations.may_manage_delegations_of(user, current_user):
        raise NotFound("no such person, or not one whose delegations you manage")
    return user


def render_delegations(user: User, form: DelegationForm | None = None, status: int = 200):
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = queries.delegations_of(user, limit=queries.PAGE_SIZE + 1, offset=(page - 1) * queries.PAGE_SIZE)
    return render_template(
        "people/delegations.html",
        person=user,
        delegations=rows[: queries.PAGE_SIZE],
        has_more=len(rows) > queries.PAGE_SIZE,
        page=page,
        form=form or DelegationForm(formdata=None),
        button=ButtonForm(),
        is_active=queries.is_active,
    ), status


@bp.get("/people/<int:user_id>/delegations")
@login_required
def delegations(user_id: int):
    return render_delegations(_person(user_id))


@bp.post("/people/<int:user_id>/delegations")
@login_required
def create_delegation(user_id: int):
    user = _person(user_id)
    form = DelegationForm()
    if not form.validate_on_submit():
        return render_delegations(user, form, 422)
    draft = operations.DelegationDraft(form.to.data, form.starts.data, form.ends.data, form.note.data)
    try:
        made = operations.create_delegation(user, draft, current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return render_delegations(_person(user_id), form, refusal_status(exc, form))
    flash(
        _(
            "%(name)s acts for %(delegator)s from %(starts)s to %(ends)s.",
            name=made.delegate.name,
            delegator=user.name,
            starts=made.starts.isoformat(),
            ends=made.ends.isoformat(),
        ),
        "success",
    )
    return redirect(url_for("web.delegations", user_id=user.id))


@bp.post("/delegations/<int:delegation_id>/end")
@login_required
def end_delegation(delegation_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    delegation = operations.get_delegation(delegation_id, current_user)
    operations.end_delegation(delegation, current_user)
    db.session.commit()
    flash(_("The delegation has ended."), "success")
    return redirect(safe_path(request.form.get("next")) or url_for("web.delegations", user_id=delegation.delegator_id))


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim_task(task_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        operations.claim_task(operations.get_task(task_id, current_user), {}, current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if isinstance(exc, NotFound):
            raise
        flash(exc.message, "error")
        return redirect(url_for("web.index"))
    flash(_("The task is yours: reminders now go to you only."), "success")
    return redirect(safe_path(request.form.get("next")) or url_for("web.index"))


@bp.post("/tasks/<int:task_id>/assign")
@login_required
def assign_task(task_id: int):
    task = operations.get_task(task_id, current_user)
    form = AssignForm()
    if not form.validate_on_submit():
        flash(_("Give the e-mail of the person to assign the task to."), "error")
        return redirect(url_for("web.task", task_id=task.id))
    try:
        operations.assign_task(task, {"to": form.to.data}, current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if isinstance(exc, NotFound):
            raise
        flash(exc.message, "error")
        return redirect(url_for("web.task", task_id=task_id))
    flash(_("The task is assigned to %(email)s.", email=form.to.data), "success")
    return redirect(url_for("web.task", task_id=task_id))


@bp.get("/tasks/<int:task_id>")
@login_required
def task(task_id: int):
    """One task: who it is for, who took it, and the buttons to take or assign it."""
    from cpas_workflow.core import access
    from cpas_workflow.pages import task_link
    from cpas_workflow.tasks.queries import on_behalf_of, shared

    item = operations.get_task(task_id, current_user)
    return render_template(
        "people/task.html",
        task=item,
        work_url=task_link(item),
        acting_for=on_behalf_of(current_user, item),
        can_claim=access.holds_any(current_user, (item.role,), item) and item.id in shared([item]),
        can_assign=item.is_open and access.can(current_user, "assign_task", item.mission),
        button=ButtonForm(),
        assign_form=AssignForm(formdata=None),
    )


# --- handovers ------------------------------------------------------------------------------------


@bp.get("/handovers")
@login_required
def handovers():
    """The handovers waiting for the caller (successor or SPU), newest first, paged."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, has_more = handover_queries.waiting_for(current_user, page=min(page, 100_000))
    own = [a for a in current_user.roles if a.mission_id is not None and a.ended_at is None]
    return render_template("people/handovers.html", rows=rows, has_more=has_more, page=page, own=own)


def _handover_view(assignment_id: int, notes_form: HandoverNotesForm | None = None, status: int = 200):
    assignment = handover_queries.get_assignment(assignment_id, current_user)
    page = handover_queries.handover_page(assignment)
    is_holder = assignment.user_id == current_user.id
    return render_template(
        "people/handover.html",
        page=page,
        a=assignment,
        is_holder=is_holder,
        has_acknowledged=any(h.acknowledged_by_id == current_user.id for h in page.acknowledgements),
        notes_form=notes_form or HandoverNotesForm(formdata=None, notes=assignment.handover_notes),
        button=ButtonForm(),
    ), status


@bp.get("/handovers/<int:assignment_id>")
@login_required
def handover(assignment_id: int):
    return _handover_view(assignment_id)


@bp.post("/handovers/<int:assignment_id>/notes")
@login_required
def handover_notes(assignment_id: int):
    assignment = handover_queries.get_assignment(assignment_id, current_user)
    form = HandoverNotesForm()
    if not form.validate_on_submit():
        return _handover_view(assignment_id, form, 422)
    try:
        handover_queries.write_handover_notes(assignment, {"notes": form.notes.data}, current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _handover_view(assignment_id, form, refusal_status(exc, form))
    flash(_("Your handover notes are saved."), "success")
    return redirect(url_for("web.handover", assignment_id=assignment_id))


@bp.post("/handovers/<int:assignment_id>/acknowledge")
@login_required
def acknowledge_handover(assignment_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    assignment = handover_queries.get_assignment(assignment_id, current_user)
    handover_queries.acknowledge_handover(assignment, {}, current_user)
    db.session.commit()
    flash(_("Handover acknowledged: it is recorded that you have read it."), "success")
    return redirect(url_for("web.handover", assignment_id=assignment_id))


# --- the people of a mission (for the SPU: delegate for someone, find a handover) -----------------


@bp.get("/missions/<code>/people")
@login_required
def mission_people(code: str):
    from cpas_workflow.core import access
    from cpas_workflow.cycles.queries import get_mission

    mission = get_mission(code, current_user)
    if not (access.can(current_user, "assign_task", mission) or access.has_role(current_user, "admin")):
        raise NotFound("not found")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, has_more = queries.people_of(mission, page=min(page, 100_000))
    return render_template("people/people.html", mission=mission, rows=rows, has_more=has_more, page=page)
