"""Pages: notification settings and calendar link, unsubscribe without signing in, the calendar feed,
and the administrators' view of the outbox."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow.accounts.operations import update_preferences
from cpas_workflow.core import access
from cpas_workflow.core.errors import NotFound
from cpas_workflow.extensions import csrf, db
from cpas_workflow.views import bp
from forms.notifications import ButtonForm, NotificationSettingsForm
from notifications import operations
from notifications.calendar import calendar_for, calendar_url
from notifications.models import OutboxMessage
from notifications.outbox import LinkExpired, subject_of


@bp.route("/me/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    form = NotificationSettingsForm(obj=current_user)
    if form.validate_on_submit():
        update_preferences(current_user, notify=form.notify.data)
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("web.notification_settings"))
    status = 422 if request.method == "POST" else 200
    return _settings_page(form, status)


def _settings_page(form, status: int = 200, new_calendar_url: str | None = None):
    return render_template(
        "notifications/settings.html",
        form=form,
        button=ButtonForm(),
        has_calendar=current_user.calendar_token_hash is not None,
        calendar_url=new_calendar_url,
    ), status


@bp.post("/me/calendar")
@login_required
def regenerate_calendar():
    """The new address is shown on this answer only (never stored in clear, never in a redirect)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    token = operations.regenerate_calendar_token(current_user)
    db.session.commit()
    flash(_("Your calendar has a new address; the old one no longer works."), "success")
    return _settings_page(
        NotificationSettingsForm(obj=current_user, formdata=None), new_calendar_url=calendar_url(token)
    )


@bp.post("/me/calendar/revoke")
@login_required
def revoke_calendar():
    if not ButtonForm().validate_on_submit():
        abort(400)
    operations.revoke_calendar_token(current_user)
    db.session.commit()
    flash(_("Your calendar address is switched off."), "success")
    return redirect(url_for("web.notification_settings"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    user = operations.user_for_calendar(token)
    return Response(
        calendar_for(user),
        mimetype="text/calendar",
        headers={"Content-Disposition": "inline; filename=cpas-deadlines.ics", "Cache-Control": "no-store"},
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail clients' one-click POST (RFC 8058) sends no CSRF token
def unsubscribe(token: str):
    """GET only asks (link scanners follow links and must not unsubscribe anyone); POST applies."""
    try:
        user = operations.user_for_unsubscribe(token)
    except LinkExpired:
        return render_template("notifications/unsubscribe.html", user=None, done=False, expired=True), 410
    except NotFound:
        return render_template("notifications/unsubscribe.html", user=None, done=False), 404
    done = request.method == "POST"
    if done:
        operations.unsubscribe(user)
        db.session.commit()
    with force_locale(user.language or "en"):  # the page speaks the language of the address's owner
        return render_template("notifications/unsubscribe.html", user=user, done=done)


@bp.get("/admin/outbox")
@login_required
def admin_outbox():
    status = request.args.get("status") or None
    messages = operations.list_outbox(current_user, status)
    subjects = {m.id: subject_of(m) for m in messages}  # an unsent message is rendered only when sent
    return render_template(
        "notifications/outbox.html", messages=messages, subjects=subjects, status=status, button=ButtonForm()
    )


@bp.post("/admin/outbox/<int:message_id>/retry")
@login_required
def admin_retry(message_id: int):
    if not access.has_role(current_user, "admin"):  # 403 before any form error
        abort(403)
    if not ButtonForm().validate_on_submit():
        abort(400)
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    operations.retry_message(message, current_user)
    db.session.commit()
    flash(_("The message will be sent again on the scheduler's next pass."), "success")
    return redirect(url_for("web.admin_outbox", status="failed"))
