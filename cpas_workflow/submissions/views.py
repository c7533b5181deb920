"""Pages: one component submission — the focal point's single form (narrative, rating, every
indicator value: preview, save, submit) and the head's endorse / return.

Every form here answers with a redirect (a reload never sends it again). A refused form keeps what
was typed: the input is saved as a draft as far as it can be, and what could not be saved (a value
that cannot be read, a form someone else changed meanwhile) is kept with the errors in the form
stash (core/stash.py) and shown again after the redirect, every error at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from cpas_workflow import abilities
from cpas_workflow.abilities import allowed_triggers
from cpas_workflow.core import access, stash
from cpas_workflow.core.errors import Conflict, DomainError
from cpas_workflow.core.markdown import render_markdown
from cpas_workflow.engine import store
from cpas_workflow.extensions import db
from cpas_workflow.framework import entries, queries, values
from cpas_workflow.pages import choices, label, refusal_status
from cpas_workflow.refusals import commit
from cpas_workflow.submissions import operations
from cpas_workflow.submissions.models import RATINGS
from cpas_workflow.submissions.operations import get_submission
from cpas_workflow.submissions.page import field_id, indicators_shown, latest_return, open_task_due
from cpas_workflow.views import bp
from forms.submissions import CommentForm, SubmissionForm, SubmissionTriggerForm

NOT_TYPED = ("csrf_token", "action")  # sent with the form, not typed into it


def _editable(submission) -> bool:
    return bool(abilities.can_edit_submission(current_user, submission))


def _key(submission_id: int) -> str:
    return f"submission:{submission_id}"


def _form(submission, typed: dict | None = None, *, posted: bool = False) -> SubmissionForm:
    if posted:
        form = SubmissionForm()
    elif typed is None:
        form = SubmissionForm(formdata=None, obj=submission, expected_version=submission.version)
    else:  # a field the refused form did not send shows what is saved
        saved = {
            "narrative": submission.narrative,
            "rating": submission.rating or "",
            "expected_version": submission.version,
        }
        form = SubmissionForm(formdata=MultiDict({**saved, **typed}), meta={"csrf": False})
    form.rating.choices = [("", _("— choose a rating —"))] + choices("rating", RATINGS)
    return form


def _bound(form_class, kept: dict | None, which: str):
    """The head's or the commenter's form as it was refused (None: it was not)."""
    if not kept or kept.get("form") != which:
        return None
    return stash.refill(form_class, kept["typed"], kept["errors"])


# The boxes of one indicator, in the order the page shows them.
BOX_ORDER = ("value-", "note-", "reason-", "change_reason-")


def _summary(kept: dict | None, form: SubmissionForm, codes: list[str]) -> list[tuple[str, str]]:
    """Every error of the refused input, in the order of the page (`codes`: its indicators, in
    order): (id of its box, message)."""
    if not kept or kept.get("form") != "input":
        return []
    errors = kept["errors"]
    form.form_errors.extend(errors.get("", []))
    for name in ("narrative", "rating"):
        getattr(form, name).errors = list(errors.get(name, []))

    def place(name: str) -> tuple:
        box = field_id(name)
        for n, prefix in enumerate(BOX_ORDER):
            if box.startswith(prefix) and box[len(prefix) :] in codes:
                return (1, codes.index(box[len(prefix) :]), n)
        return (2, 0, 0)  # a box the page does not know: after the indicators, as it came

    others = sorted((n for n in errors if n not in ("", "narrative", "rating")), key=place)
    order = ["", "narrative", "rating", *others]
    return [(field_id(name) if name else "", m) for name in order for m in errors.get(name, [])]


@bp.get("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    item = get_submission(submission_id, current_user)
    kept = stash.kept(current_user, _key(item.id)) if request.args.get("kept") else None
    editing = _editable(item)
    typed = kept["typed"] if kept and kept.get("form") == "input" and editing else None
    form = _form(item, typed)
    shown = indicators_shown(item, editing=editing)
    errors = _summary(kept, form, [i.code for i in shown.indicators]) if editing else []
    definition = store.definition_of(item)
    head_actions = [definition.transition(t, item.state) for t in allowed_triggers(item, current_user) if t != "submit"]
    return render_template(
        "submissions/show.html",
        submission=item,
        is_editable=editing,
        form=form,
        typed=typed,
        errors=errors,
        field_errors={box: message for box, message in errors},
        shown=shown,
        returned=latest_return(item) if abilities.was_sent_back(item) else None,
        revision_due=open_task_due(item) if abilities.was_sent_back(item) else None,
        head_actions=head_actions,
        trigger_form=_bound(SubmissionTriggerForm, kept, "trigger"),
        comment_form=_bound(CommentForm, kept, "comment"),
        preview=render_markdown(typed.get("narrative") or "") if kept and kept.get("preview") and typed else None,
        is_stale=bool(kept and kept.get("stale")),
    )


def _back(submission_id: int, *, refused: bool = False, anchor: str = ""):
    if refused:
        return redirect(url_for("web.submission", submission_id=submission_id, kept=1) + (anchor or "#error-summary"))
    return redirect(url_for("web.submission", submission_id=submission_id) + anchor)


def _typed() -> dict:
    return {k: v for k, v in request.form.items() if k not in NOT_TYPED}


def _keep(submission_id: int, which: str, errors: dict[str, list[str]], typed: dict | None = None, **extra) -> None:
    errors = {name: [str(m) for m in messages] for name, messages in errors.items() if messages}
    kept = {"form": which, "typed": _typed() if typed is None else typed, "errors": errors, **extra}
    stash.keep(current_user, _key(submission_id), kept)


@bp.post("/submissions/<int:submission_id>")
@login_required
def save_submission(submission_id: int):
    """One form, three buttons: preview (nothing saved), save as draft, save and submit. A submit
    refused for what is missing, or a value that cannot be read, saves the rest as the draft; every
    problem is listed at once, and what was typed comes back on the page."""
    item = get_submission(submission_id, current_user)
    access.require(current_user, "edit_submission", item)
    form = _form(item, posted=True)
    action = request.form.get("action", "save")
    form.validate_on_submit()
    errors = {name: list(messages) for name, messages in form.errors.items() if name != "csrf_token"}
    if "csrf_token" in form.errors:
        errors[""] = [_("This form has expired. Nothing was saved; what you typed is kept below: save it again.")]
    if action == "preview" or errors:  # a preview, or input no record can hold: kept as typed, nothing saved
        _keep(item.id, "input", errors, preview=action == "preview")
        db.session.commit()
        return _back(item.id, refused=True, anchor="" if errors else "#preview")
    sent = request.form  # a field not sent (a values-only form) keeps what is saved
    typed = operations.TypedInput(
        narrative=form.narrative.data or "" if "narrative" in sent else item.narrative,
        rating=form.rating.data or None if "rating" in sent else item.rating,
        indicator_values=entries.items_from_form(request.form, queries.indicators_of(item), values.locale_name()),
    )
    try:
        problems = operations.save_input(
            item,
            typed,
            current_user,
            submit=action == "submit",
            expected_version=form.expected_version.data,
        )
    except DomainError as exc:
        db.session.rollback()
        return _refused(submission_id, exc, form)
    for name, message in problems.items():
        errors.setdefault(name, []).append(message)
    if errors:  # the draft was saved: the form goes on from the version saved now
        _keep(item.id, "input", errors, typed=dict(_typed(), expected_version=str(item.version)))
        db.session.commit()
        return _back(item.id, refused=True)
    stash.drop(current_user, _key(item.id))
    try:
        commit()
    except DomainError as exc:
        return _refused(submission_id, exc, form)
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
    return _back(item.id)


# The former values-only page's address: what old pages and scripts post there is saved the same way.
bp.add_url_rule(
    "/submissions/<int:submission_id>/indicators", "save_submission_values", save_submission, methods=["POST"]
)


ANCHORS = {"input": "", "trigger": "#trigger-errors"}  # where the page opens on a refusal (else: the comments)


def _refused(submission_id: int, exc: DomainError | None, form, which: str = "input") -> object:
    """Nothing was done (the form was invalid, a rule refused it, someone else changed the input
    meanwhile): what was typed is kept for the page with every reason, and the page opens on them."""
    item = get_submission(submission_id, current_user) if exc is not None else None
    expected = getattr(getattr(form, "expected_version", None), "data", None)
    stale = isinstance(exc, Conflict) and expected not in (None, item.version)
    if stale and which == "input":
        message = _(
            "Someone else saved this submission since you opened it (it is now “%(state)s”). Nothing was saved; "
            "what you typed is kept below. The saved text is shown beside it: compare, then save again.",
            state=label("state", item.state),
        )
        # the next save overwrites the colleague's version, knowingly: the page shows both texts
        _keep(item.id, "input", {"": [message]}, typed=dict(_typed(), expected_version=str(item.version)), stale=True)
    else:
        if stale:
            form.form_errors.append(
                _(
                    "Someone else changed this submission meanwhile (it is now “%(state)s”). Nothing was done.",
                    state=label("state", item.state),
                )
            )
        elif exc is not None:
            refusal_status(exc, form)
        _keep(submission_id, which, stash.errors_of(form))
    db.session.commit()
    return _back(submission_id, refused=True, anchor=ANCHORS.get(which, f"#comments-{submission_id}"))


@bp.post("/submissions/<int:submission_id>/transitions")
@login_required
def submission_transition(submission_id: int):
    item = get_submission(submission_id, current_user)
    form = SubmissionTriggerForm()
    if not form.validate_on_submit():
        return _refused(submission_id, None, form, "trigger")
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
        return _refused(submission_id, exc, form, "trigger")
    flash(
        _(
            "Done: %(action)s. The %(component)s input is now “%(state)s”.",
            action=label("trigger", form.trigger.data),
            component=item.component.code,
            state=label("state", item.state),
        ),
        "success",
    )
    return _back(submission_id)


@bp.post("/submissions/<int:submission_id>/comments")
@login_required
def comment_submission(submission_id: int):
    item = get_submission(submission_id, current_user)
    access.require(current_user, "comment_submission", item)
    form = CommentForm()
    if not form.validate_on_submit():  # refused from the joint review too: kept on the input's own page
        return _refused(submission_id, None, form, "comment")
    try:
        operations.comment_on_submission(item, form.body.data, current_user, parent_id=form.parent_id.data)
        commit()
    except DomainError as exc:
        db.session.rollback()
        return _refused(submission_id, exc, form, "comment")
    flash(_("Comment added to the %(component)s input.", component=item.component.code), "success")
    if request.form.get("back") == "review":
        return redirect(url_for("web.joint_review", cycle_id=item.cycle_id) + f"#sub-{item.id}")
    return _back(submission_id, anchor=f"#comments-{submission_id}")
