"""Pages for the admin: missions and components, users and their roles, the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts import operations as accounts
from cpas_workflow.accounts.models import ROLES, RoleAssignment, User
from cpas_workflow.accounts.queries import get_user, with_roles
from cpas_workflow.core import access
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.core.errors import DomainError, NotFound
from cpas_workflow.cycles import timeline
from cpas_workflow.extensions import db
from cpas_workflow.missions import operations as missions
from cpas_workflow.missions.models import COMPONENT_KINDS, Mission
from cpas_workflow.missions.queries import all_missions, mission_by_code
from cpas_workflow.pages import choices, refusal_status
from cpas_workflow.refusals import commit
from cpas_workflow.views import bp
from forms.accounts import RoleDatesForm, RoleForm, UserForm, UserStatusForm
from forms.missions import ComponentForm, MissionEditForm, MissionForm

AUDIT_PAGE = 100


def _admin() -> None:
    access.require_instance(current_user, "manage_instance")


def _missions() -> list[Mission]:
    return all_missions()


def _mission(code: str) -> Mission:
    mission = mission_by_code(code)
    if mission is None:
        raise NotFound("no such mission")
    return mission


def _user(user_id: int) -> User:
    user = get_user(user_id)
    if user is None:
        raise NotFound("no such user")
    return user


def _overview(status: int = 200, mission_form: MissionForm | None = None):
    return render_template(
        "admin/index.html", missions=_missions(), mission_form=mission_form or MissionForm(formdata=None)
    ), status


@bp.get("/admin")
@login_required
def admin():
    _admin()
    return _overview()


@bp.post("/admin/missions")
@login_required
def admin_create_mission():
    _admin()
    form = MissionForm()
    if not form.validate_on_submit():
        return _overview(422, form)
    try:
        mission = missions.create_mission(form.code.data, form.name.data, form.timezone.data, current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        return _overview(refusal_status(exc, form), form)
    flash(_("Mission %(code)s created.", code=mission.code), "success")
    return redirect(url_for("web.admin_mission", code=mission.code))


def _mission_page(mission: Mission, status: int = 200, edit_form=None, component_form=None):
    edit_form = edit_form or MissionEditForm(formdata=None, obj=mission)
    component_form = component_form or ComponentForm(formdata=None)
    component_form.kind.choices = choices("kind", COMPONENT_KINDS)
    return render_template(
        "admin/mission.html", mission=mission, edit_form=edit_form, component_form=component_form
    ), status


@bp.get("/admin/missions/<code>")
@login_required
def admin_mission(code: str):
    _admin()
    return _mission_page(_mission(code))


@bp.post("/admin/missions/<code>")
@login_required
def admin_update_mission(code: str):
    _admin()
    mission = _mission(code)
    form = MissionEditForm()
    if not form.validate_on_submit():
        return _mission_page(mission, 422, edit_form=form)
    try:
        missions.update_mission(mission, form.name.data, form.timezone.data, current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        return _mission_page(_mission(code), refusal_status(exc, form), edit_form=form)
    flash(_("Mission %(code)s saved.", code=code), "success")
    return redirect(url_for("web.admin_mission", code=code))


@bp.post("/admin/missions/<code>/components")
@login_required
def admin_add_component(code: str):
    _admin()
    mission = _mission(code)
    form = ComponentForm()
    form.kind.choices = choices("kind", COMPONENT_KINDS)
    if not form.validate_on_submit():
        return _mission_page(mission, 422, component_form=form)
    try:
        component = missions.add_component(mission, form.code.data, form.name.data, form.kind.data, current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        return _mission_page(_mission(code), refusal_status(exc, form), component_form=form)
    flash(_("Component %(code)s added to %(mission)s.", code=component.code, mission=code), "success")
    return redirect(url_for("web.admin_mission", code=code))


def _users_page(status: int = 200, form: UserForm | None = None):
    users = list(db.session.scalars(select(User).options(*with_roles()).order_by(User.email)).unique())
    return render_template("admin/users.html", users=users, form=form or UserForm(formdata=None)), status


@bp.get("/admin/users")
@login_required
def admin_users():
    _admin()
    return _users_page()


@bp.post("/admin/users")
@login_required
def admin_create_user():
    _admin()
    form = UserForm()
    if not form.validate_on_submit():
        return _users_page(422, form)
    try:
        user = accounts.admin_create_user(form.email.data, form.name.data, form.password.data or None, current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        return _users_page(refusal_status(exc, form), form)
    flash(_("User %(email)s created. Now give them a role.", email=user.email), "success")
    return redirect(url_for("web.admin_user", user_id=user.id))


def _role_form(form: RoleForm | None = None) -> RoleForm:
    form = form or RoleForm(formdata=None)
    form.role.choices = choices("role", ROLES)
    form.mission.choices = [("", _("— none (hq, admin) —"))] + [(m.code, f"{m.code} — {m.name}") for m in _missions()]
    return form


def _user_page(
    user: User, status: int = 200, role_form: RoleForm | None = None, status_form: UserStatusForm | None = None
):
    return render_template(
        "admin/user.html",
        user=user,
        role_form=_role_form(role_form),
        status_form=status_form or UserStatusForm(formdata=None, is_enabled=user.is_enabled),
    ), status


@bp.get("/admin/users/<int:user_id>")
@login_required
def admin_user(user_id: int):
    _admin()
    return _user_page(_user(user_id))


@bp.post("/admin/users/<int:user_id>/status")
@login_required
def admin_user_status(user_id: int):
    _admin()
    user = _user(user_id)
    form = UserStatusForm()
    if not form.validate_on_submit():
        return _user_page(user, 422, status_form=form)
    try:
        accounts.set_user_enabled(user, bool(form.is_enabled.data), current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        return _user_page(_user(user_id), refusal_status(exc, form), status_form=form)
    flash(
        _("%(email)s may sign in.", email=user.email)
        if user.is_enabled
        else _("%(email)s can no longer sign in.", email=user.email),
        "success",
    )
    return redirect(url_for("web.admin_user", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/roles")
@login_required
def admin_grant_role(user_id: int):
    _admin()
    user = _user(user_id)
    form = _role_form(RoleForm())
    if not form.validate_on_submit():
        return _user_page(user, 422, role_form=form)
    mission = _mission(form.mission.data) if form.mission.data else None
    try:
        accounts.grant_role(
            user,
            form.role.data,
            mission,
            (form.component.data or "").strip().upper() or None,
            current_user,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
        commit()
    except DomainError as exc:
        db.session.rollback()
        return _user_page(_user(user_id), refusal_status(exc, form), role_form=form)
    flash(_("Role given to %(email)s.", email=user.email), "success")
    return redirect(url_for("web.admin_user", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/roles/<int:assignment_id>/revoke")
@login_required
def admin_revoke_role(user_id: int, assignment_id: int):
    _admin()
    user = _user(user_id)
    form = UserStatusForm()  # only its CSRF token is used
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        raise NotFound("no such role assignment")
    if not form.validate_on_submit():
        return _user_page(user, 422)
    try:
        accounts.revoke_role(assignment, current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _user_page(_user(user_id), 422)
    flash(_("Role withdrawn from %(email)s.", email=user.email), "success")
    return redirect(url_for("web.admin_user", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/roles/<int:assignment_id>/dates")
@login_required
def admin_role_dates(user_id: int, assignment_id: int):
    _admin()
    user = _user(user_id)
    assignment = next((a for a in user.roles if a.id == assignment_id), None)
    if assignment is None:
        raise NotFound("no such role assignment")
    form = RoleDatesForm()
    if not form.validate_on_submit():
        flash(_("Give the dates as dates."), "error")
        return _user_page(user, 422)
    try:
        accounts.set_role_dates(assignment, form.starts_on.data, form.ends_on.data, current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _user_page(_user(user_id), 422)
    flash(_("Dates saved for %(email)s.", email=user.email), "success")
    return redirect(url_for("web.admin_user", user_id=user_id))


@bp.get("/admin/audit")
@login_required
def admin_audit():
    _admin()
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.on_behalf_of))
        .order_by(AuditEvent.id.desc())
    )
    code = request.args.get("mission") or ""
    mission = db.session.scalar(select(Mission).where(Mission.code == code)) if code else None
    if mission is not None:
        query = query.where(AuditEvent.mission_id == mission.id)
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before <= DB_ID_MAX:
        abort(400, _("The page to show must be an event number between 1 and %(n)s.", n=DB_ID_MAX))
    if before:
        query = query.where(AuditEvent.id < before)
    events = list(db.session.scalars(query.limit(AUDIT_PAGE)).unique())
    missions = _missions()
    read = timeline.entries(events, timeline.names_by_mission(missions, events), fold_saves=False)
    return render_template(
        "admin/audit.html",
        rows=list(zip(events, read, strict=True)),
        events=events,
        missions=missions,
        mission=mission,
        more=len(events) == AUDIT_PAGE,
    )
