"""Pages: the notification centre — what is new for the signed-in person, a page at a time, and
marking it read."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow.core.listing import PAGE_SIZE, whole_arg
from cpas_workflow.extensions import db
from cpas_workflow.views import bp
from forms.notifications import ButtonForm
from notifications import inbox


@bp.get("/notifications")
@login_required
def notifications():
    page = whole_arg(request.args, "page", 1, 100_000) or 1
    items = inbox.notices_of(current_user, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "notifications/centre.html",
        items=items[:PAGE_SIZE],
        has_more=len(items) > PAGE_SIZE,
        page=page,
        unread=current_user.unread_notifications or 0,
        button=ButtonForm(),
    )


@bp.get("/notifications/<int:notice_id>/open")
@login_required
def open_notification(notice_id: int):
    """Follow a notice to what it is about, marking it read on the way (one's own notices only)."""
    notice = inbox.notice_of(current_user, notice_id)
    if notice is None:
        abort(404)
    inbox.mark_read(current_user, [notice.id])
    db.session.commit()
    return redirect(notice.url)


@bp.post("/notifications/read")
@login_required
def read_notifications():
    """One notice (`id`) or all of them (`all`), the caller's only."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    raw = request.form.get("id", "")
    if request.form.get("all"):
        inbox.mark_read(current_user)
        flash(_("Every notification is marked read."), "success")
    elif raw.isdigit() and int(raw) < 2**31:
        inbox.mark_read(current_user, [int(raw)])
    else:
        abort(400)
    db.session.commit()
    return redirect(url_for("web.notifications", page=request.args.get("page", type=int) or None))
