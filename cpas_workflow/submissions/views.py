"""Pages: one component submission — the focal point's form (preview, save, submit) and the head's
endorse / return."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow import abilities
from cpas_workflow.abilities import allowed_triggers
from cpas_workflow.core import access
from cpas_workflow.core.errors import Conflict, DomainError
from cpas_workflow.core.markdown import render_markdown
from cpas_workflow.engine import store
from cpas_workflow.extensions import db
from cpas_workflow.pages import choices, label, refusal_status
from cpas_workflow.refusals import commit
from cpas_workflow.submissions import operations
from cpas_workflow.submissions.models import RATINGS
from cpas_workflow.submissions.operations import get_submission
from cpas_workflow.views import bp
from forms.submissions import CommentForm, SubmissionForm, SubmissionTriggerForm


def _editable(submission) -> bool:
    return bool(abilities.can_edit_submission(current_user, submission))


def _form(submission, bound: SubmissionForm | None = None) -> SubmissionForm:
    form = bound or SubmissionForm(formdata=None, obj=submission, expected_version=submission.version)
    form.rating.choices = [("", _("— choose a rating —"))] + choices("rating", RATINGS)
    return form


def render_submission(
    submission,
    *,
    status: int = 200,
    form: SubmissionForm | None = None,
    trigger_form: SubmissionTriggerForm | None = None,
    preview: str | None = None,
    comment_form: CommentForm | None = None,
):
    definition = store.definition_of(submission)
    head_actions = [
        definition.transition(t, submission.state) for t in allowed_triggers(submission, current_user) if t != "submit"
    ]
    return render_template(
        "submissions/show.html",
        submission=submission,
        is_editable=_editable(submission),
        form=_form(submission, form),
        head_actions=head_actions,
        trigger_form=trigger_form,
        preview=preview,
        comment_form=comment_form,
    ), status


@bp.get("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    return render_submission(get_submission(submission_id, current_user))


@bp.post("/submissions/<int:submission_id>")
@login_required
def save_submission(submission_id: int):
    """One form, three buttons: preview (nothing saved), save as draft, save and submit."""
    item = get_submission(submission_id, current_user)
    access.require(current_user, "edit_submission", item)
    form = _form(item, SubmissionForm())
    action = request.form.get("action", "save")
    if not form.validate_on_submit():
        return render_submission(item, status=422, form=form)
    if action == "preview":
        return render_submission(item, form=form, preview=render_markdown(form.narrative.data))
    changes = operations.SubmissionChanges(narrative=form.narrative.data or "", rating=form.rating.data or None)
    try:
        operations.update_submission(item, changes, current_user, expected_version=form.expected_version.data)
        if action == "submit":
            operations.fire_submission_trigger(item, "submit", current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        item = get_submission(submission_id, current_user)
        if isinstance(exc, Conflict) and form.expected_version.data not in (None, item.version):
            form.form_errors.append(
                _(
                    "Someone else saved this submission since you opened it (it is now “%(state)s”). Nothing was saved; "
                    "what you typed is kept below. The saved text is shown beside it: compare, then save again.",
                    state=label("state", item.state),
                )
            )
            form.expected_version.data = item.version
            return render_submission(item, status=409, form=form)
        return render_submission(item, status=refusal_status(exc, form), form=form)
    if action == "submit":
        flash(
            _(
                "The %(component)s input is submitted to the component head for endorsement.",
                component=item.component.code,
            ),
            "success",
        )
    else:
        flash(_("Draft saved."), "success")
    return redirect(url_for("web.submission", submission_id=submission_id))


@bp.post("/submissions/<int:submission_id>/transitions")
@login_required
def submission_transition(submission_id: int):
    item = get_submission(submission_id, current_user)
    form = SubmissionTriggerForm()
    if not form.validate_on_submit():
        return render_submission(item, status=422, trigger_form=form)
    try:
        operations.fire_submission_trigger(
            item,
            form.trigger.data,
            current_user,
            comment=form.comment.data,
            expected_version=form.expected_version.data,
        )
        commit()
    except DomainError as exc:
        db.session.rollback()
        item = get_submission(submission_id, current_user)
        if isinstance(exc, Conflict) and form.expected_version.data not in (None, item.version):
            form.form_errors.append(
                _(
                    "Someone else changed this submission meanwhile (it is now “%(state)s”). Nothing was done.",
                    state=label("state", item.state),
                )
            )
            form.expected_version.data = item.version
            return render_submission(item, status=409, trigger_form=form)
        return render_submission(item, status=refusal_status(exc, form), trigger_form=form)
    flash(
        _(
            "Done: %(action)s. The %(component)s input is now “%(state)s”.",
            action=label("trigger", form.trigger.data),
            component=item.component.code,
            state=label("state", item.state),
        ),
        "success",
    )
    return redirect(url_for("web.submission", submission_id=submission_id))


@bp.post("/submissions/<int:submission_id>/comments")
@login_required
def comment_submission(submission_id: int):
    item = get_submission(submission_id, current_user)
    access.require(current_user, "comment_submission", item)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            operations.comment_on_submission(item, form.body.data, current_user)
            commit()
        except DomainError as exc:
            db.session.rollback()
            return render_submission(
                get_submission(submission_id, current_user), status=refusal_status(exc, form), comment_form=form
            )
        flash(_("Comment added to the %(component)s input.", component=item.component.code), "success")
        if request.form.get("back") == "review":
            return redirect(url_for("web.joint_review", cycle_id=item.cycle_id) + f"#sub-{item.id}")
        return redirect(url_for("web.submission", submission_id=submission_id))
    return render_submission(item, status=422, comment_form=form)
