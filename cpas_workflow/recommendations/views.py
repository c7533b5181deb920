"""Pages' forms on recommendations: draft (joint review), decide (sign-off), follow-up updates."""

from __future__ import annotations

from dataclasses import asdict

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from cpas_workflow import abilities
from cpas_workflow.core import stash
from cpas_workflow.core.errors import Conflict, DomainError
from cpas_workflow.core.listing import PAGE_SIZE
from cpas_workflow.cycles.queries import get_cycle, get_mission, mission_cycles
from cpas_workflow.cycles.views import ENDPOINTS, LOADS, decisions_key, draft_key, proposal_key, settle_key
from cpas_workflow.extensions import db
from cpas_workflow.framework import documents
from cpas_workflow.missions.views import update_key
from cpas_workflow.pages import label, refusal_status
from cpas_workflow.recommendations import operations, owners, proposals, register
from cpas_workflow.recommendations.models import DECISIONS, FATES
from cpas_workflow.refusals import attempt, commit, kept_form, kept_refusal
from cpas_workflow.views import bp
from forms.base import BaseForm
from forms.recommendations import (
    DecisionForm,
    EditRecommendationForm,
    OwnerForm,
    ProposalForm,
    RecommendationForm,
    SettleProposalForm,
    UpdateForm,
    WithdrawForm,
)


@bp.post("/cycles/<int:cycle_id>/recommendations")
@login_required
def draft_recommendation(cycle_id: int):
    cycle = get_cycle(cycle_id, current_user, for_update=True, options=LOADS["review"]())
    abilities.require(abilities.can_draft_recommendation(current_user, cycle, check_state=False))  # 403 first
    form = RecommendationForm()
    form.component.choices = [(c.code, c.code) for c in cycle.mission.components]
    form.co_owners.choices = [(c.code, c.code) for c in cycle.mission.components]

    def draft():
        operations.draft_recommendation(cycle, _draft_of(form), current_user)
        stash.drop(current_user, draft_key(cycle_id))

    if attempt(form, draft) is None:
        flash(_("Recommendation “%(title)s” added.", title=form.title.data.strip()), "success")
        return redirect(url_for("web.joint_review", cycle_id=cycle_id))
    back = url_for("web.joint_review", cycle_id=cycle_id, kept=1) + "#draft-errors"
    return kept_refusal(draft_key(cycle_id), form, back)


def _draft_of(form: RecommendationForm) -> operations.RecommendationDraft:
    return operations.RecommendationDraft(
        title=form.title.data,
        body=form.body.data,
        component=form.component.data,
        due=form.due.data,
        co_owners=list(form.co_owners.data or []),
    )


def _signoff(cycle_id: int, anchor: str = "") -> Response:
    return redirect(url_for("web.signoff", cycle_id=cycle_id) + anchor)


def _decisions_refused(cycle_id: int, forms: dict) -> Response:
    """Nothing was recorded: what was chosen and typed, and every refusal, wait in the form stash for
    the sign-off page, which opens on the list of problems (post/redirect/get: a reload sends nothing)."""
    errors = {str(rec_id): found for rec_id, form in forms.items() if (found := stash.errors_of(form))}
    typed = {k: v for k, v in request.form.items() if not k.endswith("csrf_token")}
    stash.keep(current_user, decisions_key(cycle_id), {"typed": typed, "errors": errors})
    db.session.commit()
    return redirect(url_for("web.signoff", cycle_id=cycle_id, kept=1) + "#decision-errors")


def _decided(cycle_id: int, decided: list) -> Response:
    """Recorded (committed): the sign-off page says what was decided."""
    flash(
        " ".join(
            _("“%(title)s”: %(decision)s.", title=r.title, decision=label("decision", r.decision)) for r in decided
        ),
        "success",
    )
    return _signoff(cycle_id, f"#rec-{decided[0].id}" if len(decided) == 1 else "#recs-h")


@bp.post("/recommendations/<int:recommendation_id>/decision")
@login_required
def decide_recommendation(recommendation_id: int):
    recommendation = operations.get_recommendation(recommendation_id, current_user)
    abilities.require(abilities.can_decide_recommendation(current_user, recommendation, check_state=False))
    form = DecisionForm(prefix=f"r{recommendation.id}")
    form.decision.choices = [(d, d) for d in DECISIONS]
    cycle_id = recommendation.cycle_id

    def decide():
        operations.decide_recommendation(recommendation, _decision_of(form), current_user)
        stash.drop(current_user, decisions_key(cycle_id))

    if attempt(form, decide) is None:
        return _decided(cycle_id, [recommendation])
    return _decisions_refused(cycle_id, {recommendation_id: form})


@bp.post("/recommendations/<int:recommendation_id>/updates")
@login_required
def update_recommendation(recommendation_id: int):
    recommendation = operations.get_recommendation(recommendation_id, current_user)
    abilities.require(abilities.can_update_recommendation(current_user, recommendation, check_state=False))
    form = UpdateForm(prefix=f"u{recommendation.id}")
    form.status.choices = [(s, s) for s in ("open", "in_progress", "done", "dropped", "carried_over")]
    mission = recommendation.cycle.mission

    def update():
        operations.add_update(recommendation, form.status.data, form.note.data, current_user)
        stash.drop(current_user, update_key(mission))

    if attempt(form, update) is None:
        flash(
            _(
                "Update recorded on “%(title)s”: %(status)s.",
                title=recommendation.title,
                status=label("status", form.status.data),
            ),
            "success",
        )
        back = url_for("web.followup", code=mission.code, **request.args.to_dict())  # the board as it was
        return redirect(back + f"#rec-{recommendation_id}")
    back = url_for("web.followup", code=mission.code, **{**request.args.to_dict(), "kept": 1})
    return kept_refusal(update_key(mission), form, back + f"#update-errors-{recommendation_id}", rec=recommendation_id)


SETTLED = {
    "accept": _l("Proposal “%(title)s” accepted as a draft."),
    "merge": _l("Proposal “%(title)s” merged into a draft."),
    "decline": _l("Proposal “%(title)s” declined; the proposer sees your reason."),
}


def _back_to(recommendation) -> str:
    return url_for("web.joint_review", cycle_id=recommendation.cycle_id) + f"#rec-{recommendation.id}"


def _edit_form(recommendation, form: EditRecommendationForm | None = None) -> EditRecommendationForm:
    form = form or EditRecommendationForm(
        formdata=None,
        title=recommendation.title,
        body=recommendation.body,
        component=recommendation.component.code,
        due=recommendation.due,
        co_owners=[c.code for c in recommendation.co_components],
        expected_version=recommendation.version,
    )
    form.component.choices = [(c.code, f"{c.code} — {c.name}") for c in recommendation.cycle.mission.components]
    form.co_owners.choices = [(c.code, c.code) for c in recommendation.cycle.mission.components]
    return form


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@login_required
def edit_recommendation(recommendation_id: int):
    recommendation = operations.get_recommendation(recommendation_id, current_user)
    back = url_for("web.cycle", cycle_id=recommendation.cycle_id) + f"#rec-{recommendation_id}"
    if refused := _refused_step(abilities.can_edit_recommendation, recommendation, back):
        return refused
    key = f"recommendation:{recommendation_id}:edit"
    if request.method == "GET":
        form = _edit_form(recommendation, kept_form(EditRecommendationForm, key))
        return render_template("recommendations/edit.html", recommendation=recommendation, form=form)
    form = _edit_form(recommendation, EditRecommendationForm())

    def edit():
        operations.edit_recommendation(recommendation, _edit_of(form), current_user)
        stash.drop(current_user, key)

    if attempt(form, edit) is None:
        flash(_("Recommendation “%(title)s” saved.", title=recommendation.title), "success")
        return redirect(_back_to(recommendation))
    return kept_refusal(key, form, url_for("web.edit_recommendation", recommendation_id=recommendation_id, kept=1))


def _edit_of(form: EditRecommendationForm) -> operations.RecommendationEdit:
    version = form.expected_version.data or ""
    expected = int(version) if version.isdigit() else None
    return operations.RecommendationEdit(**asdict(_draft_of(form)), expected_version=expected)


def _refused_step(can, recommendation, back: str) -> Response | None:
    """The role first (403 for anyone else), then the step: when the page's step is past (a decided
    draft, a closed follow-up), the person is sent back with the reason instead of a form."""
    abilities.require(can(current_user, recommendation, check_state=False))
    answer = can(current_user, recommendation)
    if answer:
        return None
    flash(answer.reason, "error")
    return redirect(back)


@bp.route("/recommendations/<int:recommendation_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_recommendation(recommendation_id: int):
    recommendation = operations.get_recommendation(recommendation_id, current_user)
    back = url_for("web.cycle", cycle_id=recommendation.cycle_id)
    if refused := _refused_step(abilities.can_withdraw_recommendation, recommendation, back):
        return refused
    key = f"recommendation:{recommendation_id}:withdraw"
    if request.method == "GET":
        form = kept_form(WithdrawForm, key) or WithdrawForm(formdata=None)
        return render_template("recommendations/withdraw.html", recommendation=recommendation, form=form)
    form = WithdrawForm()

    def withdraw():
        operations.withdraw_recommendation(recommendation, current_user, reason=form.reason.data)
        stash.drop(current_user, key)

    if attempt(form, withdraw) is None:
        flash(_("Recommendation “%(title)s” withdrawn.", title=recommendation.title), "success")
        return redirect(url_for("web.joint_review", cycle_id=recommendation.cycle_id))
    return kept_refusal(key, form, url_for("web.withdraw_recommendation", recommendation_id=recommendation_id, kept=1))


def _decision_of(form: DecisionForm) -> operations.Decision:
    decision = form.decision.data
    return operations.Decision(
        decision=decision,
        comment=form.comment.data,
        body=form.body.data if decision == "amend" else None,
        due=form.due.data if decision == "amend" else None,
        owner=(form.owner.data or None) if decision != "reject" else None,
    )


@bp.post("/cycles/<int:cycle_id>/decisions")
@login_required
def decide_recommendations(cycle_id: int):
    """Leadership decides several recommendations at once; a recommendation left without a
    decision is left as it is. If any decision is refused, none is recorded: the sign-off page comes
    back with every refusal listed at the top and beside its recommendation, and everything typed kept."""
    cycle = get_cycle(cycle_id, current_user, for_update=True, options=LOADS["signoff"]())
    abilities.require(abilities.can_decide_recommendation(current_user, cycle, check_state=False))
    forms, refused, decided = {}, [], []
    for recommendation in list(cycle.recommendations):
        form = DecisionForm(prefix=f"r{recommendation.id}", meta={"csrf": False})
        form.decision.choices = [(d, d) for d in DECISIONS]
        forms[recommendation.id] = form
    if not BaseForm().validate_on_submit():  # the one CSRF token of the page's form
        flash(_("The form had expired. Nothing was recorded; please decide again."), "error")
        return _signoff(cycle_id)
    for recommendation in list(cycle.recommendations):
        form = forms[recommendation.id]
        if not (request.form.get(f"r{recommendation.id}-decision") or "").strip():
            continue  # not decided now
        if not form.validate():
            refused.append(recommendation)
            continue
        try:
            operations.decide_recommendation(recommendation, _decision_of(form), current_user)
            decided.append(recommendation)
        except DomainError as exc:
            refusal_status(exc, form)
            refused.append(recommendation)
            if isinstance(exc, Conflict):
                break
    if refused or not decided:
        db.session.rollback()
        if not refused:
            flash(_("Choose a decision for at least one recommendation."), "error")
            return _signoff(cycle_id)
        return _decisions_refused(cycle_id, {r.id: forms[r.id] for r in refused})
    stash.drop(current_user, decisions_key(cycle_id))
    commit()
    return _decided(cycle_id, decided)


@bp.post("/cycles/<int:cycle_id>/proposals")
@login_required
def propose_recommendation(cycle_id: int):
    cycle = get_cycle(cycle_id, current_user, for_update=True, options=LOADS["cycle"]())
    abilities.require(abilities.can_propose_recommendation(current_user, cycle, check_state=False))
    page = request.form.get("page") if request.form.get("page") in ("cycle", "review") else "cycle"
    form = ProposalForm()
    form.component.choices = [(c.code, c.code) for c in abilities.proposing_components(current_user, cycle)]

    def propose():
        proposal = proposals.Proposal(
            title=form.title.data, body=form.body.data, component=form.component.data, due=form.due.data
        )
        proposals.propose_recommendation(cycle, proposal, current_user)
        stash.drop(current_user, proposal_key(cycle_id))

    if attempt(form, propose) is None:
        flash(_("Proposal “%(title)s” sent to the SPU.", title=form.title.data.strip()), "success")
        return redirect(url_for(ENDPOINTS[page], cycle_id=cycle_id) + "#proposals-h")
    back = url_for(ENDPOINTS[page], cycle_id=cycle_id, kept=1) + "#proposal-errors"
    return kept_refusal(proposal_key(cycle_id), form, back)


@bp.post("/recommendations/<int:recommendation_id>/proposal")
@login_required
def settle_proposal(recommendation_id: int):
    proposal = proposals.get_proposal(recommendation_id, current_user)
    abilities.require(abilities.can_settle_proposal(current_user, proposal, check_state=False))
    form = SettleProposalForm(prefix=f"p{proposal.id}")
    form.decision.choices = [(d, d) for d in proposals.SETTLEMENTS]
    cycle_id = proposal.cycle_id
    page = "review" if abilities.can_settle_proposal(current_user, proposal.cycle, to_draft=True) else "cycle"

    def settle():
        into = int(form.into.data) if (form.into.data or "").isdigit() else None
        settlement = proposals.Settlement(decision=form.decision.data, reason=form.reason.data, into=into)
        proposals.settle_proposal(proposal, settlement, current_user)
        stash.drop(current_user, settle_key(cycle_id))

    if attempt(form, settle) is None:
        flash(SETTLED[form.decision.data] % {"title": proposal.title}, "success")
        return redirect(url_for(ENDPOINTS[page], cycle_id=cycle_id) + "#proposals-h")
    back = url_for(ENDPOINTS[page], cycle_id=cycle_id, kept=1) + f"#settle-errors-{recommendation_id}"
    return kept_refusal(settle_key(cycle_id), form, back, rec=recommendation_id)


@bp.route("/recommendations/<int:recommendation_id>/owner", methods=["GET", "POST"])
@login_required
def change_owner(recommendation_id: int):
    recommendation = operations.get_recommendation(recommendation_id, current_user)
    back = url_for("web.cycle", cycle_id=recommendation.cycle_id)
    if refused := _refused_step(abilities.can_change_owner, recommendation, back):
        return refused
    key = f"recommendation:{recommendation_id}:owner"
    candidates = [(u.email, u.name) for u in owners.candidates(recommendation)]
    if request.method == "GET":
        form = kept_form(OwnerForm, key) or OwnerForm(
            formdata=None, owner=recommendation.owner.email if recommendation.owner else None
        )
        form.owner.choices = candidates
        return render_template("recommendations/owner.html", recommendation=recommendation, form=form)
    form = OwnerForm()
    form.owner.choices = candidates

    def change():
        owners.change_owner(
            recommendation, owners.OwnerChange(owner=form.owner.data, reason=form.reason.data), current_user
        )
        stash.drop(current_user, key)

    if attempt(form, change) is None:
        name = recommendation.owner.name
        flash(_("“%(title)s” is now owned by %(name)s.", title=recommendation.title, name=name), "success")
        mission = recommendation.cycle.mission
        return redirect(url_for("web.followup", code=mission.code) + f"#rec-{recommendation_id}")
    return kept_refusal(key, form, url_for("web.change_owner", recommendation_id=recommendation_id, kept=1))


@bp.get("/missions/<code>/recommendations")
@login_required
def recommendation_register(code: str):
    mission = get_mission(code, current_user)
    wanted = register.parse_filter(request.args, mission)
    items, total = register.register_page(mission, wanted)
    return render_template(
        "recommendations/register.html",
        mission=mission,
        items=items,
        total=total,
        wanted=wanted,
        pages=max(1, -(-total // PAGE_SIZE)),
        cycles=mission_cycles(mission, limit=40),
        fates=[(f, label("fate", f)) for f in FATES],
    )


@bp.get("/missions/<code>/recommendations.<any(csv, xlsx):fmt>")
@login_required
def recommendation_register_export(code: str, fmt: str):
    """Every recommendation the register's filter matches (not one page), as a spreadsheet."""
    mission = get_mission(code, current_user)
    header, rows = register.register_table(
        register.register_rows(mission, register.parse_filter(request.args, mission))
    )
    return documents.spreadsheet(header, rows, fmt, "recommendations", f"{mission.code}-recommendations.{fmt}")
