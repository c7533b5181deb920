"""Pages: the SPU's administration of a running cycle on its overview page — move the input deadline,
add or excuse a component, write the guidance components read. Each form posts, then redirects back
to the cycle (a reload never sends it again); a refused one comes back with what was typed and every
error, kept in the form stash."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow import abilities
from cpas_workflow.core import stash
from cpas_workflow.core.errors import DomainError
from cpas_workflow.cycles import administration, queries
from cpas_workflow.extensions import db
from cpas_workflow.pages import refusal_status
from cpas_workflow.refusals import commit, kept_refusal
from cpas_workflow.views import bp
from forms.cycles import CycleComponentForm, DeadlineForm, GuidanceForm

FORMS = {"deadline": DeadlineForm, "add": CycleComponentForm, "excuse": CycleComponentForm, "guidance": GuidanceForm}


def _key(cycle_id: int) -> str:
    return f"cycle:{cycle_id}:administration"


def _choices(cycle, which: str) -> list[tuple[str, str]]:
    taking_part = {s.component_id for s in cycle.submissions}
    if which == "add":
        return [(c.code, f"{c.code} — {c.name}") for c in cycle.mission.components if c.id not in taking_part]
    if which == "excuse":
        return [(s.component.code, f"{s.component.code} — {s.component.name}") for s in administration.excusable(cycle)]
    return []


def administration_forms(cycle) -> dict | None:
    """The forms the cycle page offers its SPU (None: nothing to administer now); after a refusal,
    the refused one holds what was typed and its errors."""
    if not abilities.can_administer_cycle(current_user, cycle):
        return None
    kept = stash.kept(current_user, _key(cycle.id)) if request.args.get("kept") else None
    forms = {}
    for which, form_class in FORMS.items():
        if kept and kept.get("which") == which:
            form = stash.refill(form_class, kept["typed"], kept["errors"], prefix=which)
        else:
            form = form_class(formdata=None, prefix=which, guidance=cycle.guidance, input_due=cycle.input_due)
        form.expected_version.data = cycle.version  # the SPU's change applies to the cycle as it is now
        if hasattr(form, "component"):
            form.component.choices = _choices(cycle, which)
        forms[which] = form
    return forms or None


def _administer(cycle_id: int, which: str, change) -> object:
    """Check the posted form, make the change, redirect back: refused, with what was typed kept."""
    cycle = queries.get_cycle(cycle_id, current_user, for_update=True)
    abilities.require(abilities.can_administer_cycle(current_user, cycle, check_state=False))
    form = FORMS[which](prefix=which)  # a prefix each: two forms on one page have a `component`
    if hasattr(form, "component"):
        form.component.choices = _choices(cycle, which)
    if form.validate_on_submit():
        try:
            message = change(cycle, form)
            stash.drop(current_user, _key(cycle_id))
            commit()  # as the API commits: a concurrent change is a conflict, said on the form
            flash(message, "success")
            return redirect(url_for("web.cycle", cycle_id=cycle_id) + f"#admin-{which}")
        except DomainError as exc:
            db.session.rollback()
            refusal_status(exc, form)
    url = url_for("web.cycle", cycle_id=cycle_id, kept=1) + f"#admin-{which}-errors"
    return kept_refusal(_key(cycle_id), form, url, which=which)


@bp.post("/cycles/<int:cycle_id>/input-deadline")
@login_required
def change_input_deadline(cycle_id: int):
    def change(cycle, form):
        data = administration.DeadlineChange(input_due=form.input_due.data, reason=form.reason.data)
        administration.change_input_deadline(cycle, data, current_user, expected_version=form.expected_version.data)
        return _("The input deadline is now %(day)s; the open tasks follow it.", day=form.input_due.data.isoformat())

    return _administer(cycle_id, "deadline", change)


@bp.post("/cycles/<int:cycle_id>/components")
@login_required
def add_cycle_component(cycle_id: int):
    def change(cycle, form):
        data = administration.ComponentChange(component=form.component.data, reason=form.reason.data)
        administration.add_component(cycle, data, current_user, expected_version=form.expected_version.data)
        return _("%(code)s now takes part in this cycle.", code=form.component.data)

    return _administer(cycle_id, "add", change)


@bp.post("/cycles/<int:cycle_id>/components/excuse")
@login_required
def excuse_cycle_component(cycle_id: int):
    def change(cycle, form):
        data = administration.ComponentChange(component=form.component.data, reason=form.reason.data)
        administration.excuse_component(cycle, data, current_user, expected_version=form.expected_version.data)
        return _("%(code)s is excused from this cycle's input.", code=form.component.data)

    return _administer(cycle_id, "excuse", change)


@bp.post("/cycles/<int:cycle_id>/guidance")
@login_required
def set_cycle_guidance(cycle_id: int):
    def change(cycle, form):
        administration.set_guidance(
            cycle, form.guidance.data, current_user, expected_version=form.expected_version.data
        )
        return _("The guidance is saved: components see it on their submission page.")

    return _administer(cycle_id, "guidance", change)
