"""Pages: attach a file (the submission page, a recommendation's page), download one, remove one."""

from __future__ import annotations

from types import SimpleNamespace

from flask import current_app, flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow.core.errors import BadRequest, ValidationFailed
from cpas_workflow.evidence import operations
from cpas_workflow.evidence.api import file_response, read_upload
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.operations import get_recommendation
from cpas_workflow.submissions.models import Submission
from cpas_workflow.submissions.operations import get_submission
from cpas_workflow.views import bp


def page_of(obj) -> str:
    if isinstance(obj, Submission):
        return url_for("web.submission", submission_id=obj.id) + "#attachments"
    return url_for("web.recommendation", recommendation_id=obj.id) + "#attachments"


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """12 KB, 1.4 MB, in the reader's language."""
    if size < 1024:
        return _("%(num)s bytes", num=format_decimal(size))
    if size < 1024 * 1024:
        return _("%(num)s KB", num=format_decimal(round(size / 1024)))
    return _("%(num)s MB", num=format_decimal(round(size / 1048576, 1)))


@bp.app_template_global()
def attachments_box(obj) -> SimpleNamespace:
    """What the attachments partial shows of `obj`: its files (a page of them), who may attach or remove."""
    items = operations.attachments_of(obj)
    return SimpleNamespace(
        items=items,
        total=len(items) if len(items) < operations.PAGE_SIZE else operations.count_of(obj),
        mission=obj.cycle.mission,
        can_attach=operations.can_attach(current_user, obj),
        deletable={a.id for a in items if operations.can_delete(current_user, a, obj)},
        upload_url=url_for(
            "web.attach_to_submission" if isinstance(obj, Submission) else "web.attach_to_recommendation",
            **({"submission_id": obj.id} if isinstance(obj, Submission) else {"recommendation_id": obj.id}),
        ),
        max_mb=current_app.config["CPAS_MAX_ATTACHMENT_MB"],
    )


def _refusal(exc: ValidationFailed | BadRequest, filename: str) -> str:
    """The reason a file is refused, in the reader's language."""
    reason = (exc.fields or {}).get("file")
    mb = current_app.config["CPAS_MAX_ATTACHMENT_MB"]
    if reason == "too large":
        return _("“%(name)s” is larger than %(mb)d MB: it was not attached.", name=filename, mb=mb)
    if reason == "empty":
        return _("“%(name)s” is empty: it was not attached.", name=filename)
    if reason == "markup":
        return _("“%(name)s” holds HTML or XML, which a browser could run: it was not attached.", name=filename)
    if reason == "macros":
        return _(
            "“%(name)s” is an Office document with macros, which are not accepted: it was not attached.", name=filename
        )
    if reason == "required":
        return _("Choose a file to attach.")
    return _(
        "“%(name)s” is not a PDF, Office document, CSV, text file or image (its content was checked, not its name): "
        "it was not attached.",
        name=filename,
    )


def _attach(obj):
    """Refusals of the file come back as a message in the reader's language; refusals of the person or
    the moment (403, 404, 409) as the pages show them everywhere."""
    operations.check_allowed(current_user, obj)
    upload = request.files.get("file")
    filename = operations.clean_filename(upload.filename if upload else "")
    try:
        operations.check_size(filename, max(0, (request.content_length or 0) - 64 * 1024))
        attachment = operations.attach(obj, read_upload(), current_user)
    except (ValidationFailed, BadRequest) as exc:
        db.session.rollback()
        flash(_refusal(exc, filename), "error")
        return redirect(page_of(obj))
    db.session.commit()
    flash(_("“%(name)s” is attached.", name=attachment.filename), "success")
    return redirect(page_of(obj))


@bp.post("/submissions/<int:submission_id>/attachments")
@login_required
def attach_to_submission(submission_id: int):
    return _attach(get_submission(submission_id, current_user))


@bp.post("/recommendations/<int:recommendation_id>/attachments")
@login_required
def attach_to_recommendation(recommendation_id: int):
    return _attach(get_recommendation(recommendation_id, current_user))


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download_attachment(attachment_id: int):
    attachment, _obj = operations.get_attachment(attachment_id, current_user)
    return file_response(attachment, operations.read_file(attachment))


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(attachment_id: int):
    attachment, obj = operations.get_attachment(attachment_id, current_user)
    name = attachment.filename
    operations.delete_attachment(attachment, obj, current_user)
    db.session.commit()
    flash(_("“%(name)s” is removed.", name=name), "success")
    return redirect(page_of(obj))
