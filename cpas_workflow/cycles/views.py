"""Pages of a cycle: where it stands, the joint review, the sign-off; firing its triggers."""

from __future__ import annotations

from collections import Counter

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow import abilities
from cpas_workflow.core import stash
from cpas_workflow.core.errors import Conflict, DomainError
from cpas_workflow.cycles import operations, queries, timeline
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.cycles.offers import ENDORSE_ALL, needs_confirmation, offers
from cpas_workflow.engine import guards, store
from cpas_workflow.engine.approvals import still_open_to
from cpas_workflow.engine.firing import approval_statuses
from cpas_workflow.extensions import db
from cpas_workflow.framework.queries import is_published, values_of_submissions
from cpas_workflow.pages import LABELS, choices, days_left, label
from cpas_workflow.recommendations import owners
from cpas_workflow.recommendations.diff import word_diff
from cpas_workflow.recommendations.models import DECISIONS
from cpas_workflow.recommendations.proposals import SETTLEMENTS
from cpas_workflow.recommendations.queries import cycle_proposals
from cpas_workflow.refusals import commit, kept_form, refusal_status
from cpas_workflow.views import bp
from forms.cycles import TransitionForm
from forms.recommendations import DecisionForm, ProposalForm, RecommendationForm, SettleProposalForm

PAGES = {"cycle": "cycles/show.html", "review": "cycles/review.html", "signoff": "cycles/signoff.html"}
ENDPOINTS = {"cycle": "web.cycle", "review": "web.joint_review", "signoff": "web.signoff"}
LOADS = {  # what each page shows, loaded with the cycle
    "cycle": lambda: (*queries.for_firing(), *queries.lineage()),
    "review": lambda: (*queries.for_firing(), *queries.comments(), *queries.lineage()),
    "signoff": lambda: (*queries.for_firing(), *queries.lineage()),
}
EVENTS_SHOWN = 50  # the latest events of the audit trail on a page; the API gives all of them


def steps(cycle: Cycle) -> list[dict]:
    """The workflow drawn as steps: each state of the main path, done / current / to come, named
    as the cycle's own definition version names them when the label table does not know a state."""
    definition = store.definition_of(cycle)

    def title(state: str) -> str:
        return label("state", state) if state in LABELS["state"] else definition.states[state].title

    path = definition.main_path()
    position = path.index(cycle.state) if cycle.state in path else len(path)
    drawn = [
        {
            "state": s,
            "title": title(s),
            "is_done": i < position or i == position == len(path) - 1,  # the last step reached is done
            "is_current": s == cycle.state,
        }
        for i, s in enumerate(path)
    ]
    if cycle.state not in path:
        drawn.append({"state": cycle.state, "title": title(cycle.state), "is_done": False, "is_current": True})
    return drawn


def progress(cycle: Cycle, counts: dict[str, int] | None = None) -> dict:
    """Input received so far; `counts` (submissions by state) spares loading the submissions."""
    if counts is None:
        counts = Counter(s.state for s in cycle.submissions)
    return {
        "in": sum(counts.get(state, 0) for state in guards.CAME_IN),
        "agreed": counts.get(guards.CAME_IN[-1], 0),  # endorsed by the component head
        "total": sum(counts.values()),
        "days_left": days_left(cycle.input_due, cycle.mission) if abilities.awaits_input(cycle) else None,
    }


def _decision_form(recommendation, bound: DecisionForm | None = None, candidates=()) -> DecisionForm:
    form = bound or DecisionForm(
        formdata=None,
        prefix=f"r{recommendation.id}",
        body=recommendation.body,
        owner=recommendation.owner.email if recommendation.owner else None,
    )
    form.decision.choices = choices("decision", DECISIONS)
    form.owner.choices = [("", _("the head of the component (default)"))] + [(u.email, u.name) for u in candidates]
    return form


def decisions_key(cycle_id: int) -> str:
    """The form stash of leadership's decisions on a cycle (one form for all its recommendations)."""
    return f"cycle:{cycle_id}:decisions"


def draft_key(cycle_id: int) -> str:
    """The form stash of the SPU's recommendation being drafted on the joint review page."""
    return f"cycle:{cycle_id}:draft"


def kept_decisions(cycle: Cycle) -> tuple[dict, list]:
    """After a refused sign-off form: each recommendation's decision as typed, with its errors, and
    the refused recommendations. Nothing kept: ({}, [])."""
    kept = stash.kept(current_user, decisions_key(cycle.id)) if request.args.get("kept") else None
    if not kept:
        return {}, []
    errors = kept["errors"]
    forms = {
        r.id: stash.refill(DecisionForm, kept["typed"], errors.get(str(r.id), {}), prefix=f"r{r.id}")
        for r in cycle.recommendations
    }
    refused = [r for r in cycle.recommendations if str(r.id) in errors]
    return forms, refused


def proposal_key(cycle_id: int) -> str:
    """The form stash of a proposal refused on a cycle page (the proposer's)."""
    return f"cycle:{cycle_id}:proposal"


def settle_key(cycle_id: int) -> str:
    """The form stash of an answer to a proposal refused on a cycle page (the SPU's)."""
    return f"cycle:{cycle_id}:settle"


def _kept_settle(cycle: Cycle) -> dict:
    """After a refused answer to a proposal: {the proposal's id: the answer as typed, with its errors}."""
    kept = stash.kept(current_user, settle_key(cycle.id)) if request.args.get("kept") else None
    if not kept:
        return {}
    return {kept["rec"]: stash.refill(SettleProposalForm, kept["typed"], kept["errors"], prefix=f"p{kept['rec']}")}


def proposal_context(cycle: Cycle) -> dict:
    """The proposals part of a cycle page: the form to propose, the proposals made (the SPU's to
    answer, the proposer's to follow), loaded only while proposals are taken; after a refusal, the
    refused form as it was typed, with its errors."""
    may_propose = abilities.can_propose_recommendation(current_user, cycle)
    form = kept_form(ProposalForm, proposal_key(cycle.id)) or ProposalForm(formdata=None)
    form.component.choices = [
        (c.code, f"{c.code} — {c.name}") for c in abilities.proposing_components(current_user, cycle)
    ]
    listed = cycle_proposals(cycle) if abilities.takes_proposals(cycle) else []
    drafts = [(str(r.id), r.title) for r in cycle.recommendations if r.is_undecided_draft]
    forms, settle_forms = {}, _kept_settle(cycle) if listed else {}
    for p in listed:
        f = settle_forms.get(p.id) or SettleProposalForm(formdata=None, prefix=f"p{p.id}")
        f.decision.choices = choices("settlement", SETTLEMENTS)
        f.into.choices = drafts
        forms[p.id] = f
    return {
        "may_propose": may_propose,
        "proposal_form": form,
        "proposals": listed,
        "settle_forms": forms,
        "may_accept": abilities.can_settle_proposal(current_user, cycle, to_draft=True),
    }


def render_page(
    page: str,
    cycle: Cycle,
    *,
    status: int = 200,
    action_form: TransitionForm | None = None,
    recommendation_form: RecommendationForm | None = None,
    decision_forms: dict | None = None,
    refused: list | None = None,
    confirming: str | None = None,
):
    """Draw a cycle page; after a refusal, the bound form that was refused keeps what was typed;
    `confirming`: the step whose confirmation is open."""
    before = request.args.get("events_before", type=int)
    before = before if before is not None and 0 < before < 2**63 else None  # anything else: the latest
    events, older, values = [], None, {}
    if page == "cycle":  # only the overview shows the audit trail
        events = queries.audit_trail(cycle.id, limit=EVENTS_SHOWN + 1, before=before)
        has_older = len(events) > EVENTS_SHOWN  # one more was read than is shown: the trail goes further back
        events = events[-EVENTS_SHOWN:]
        older = events[0].id if has_older else None
    else:  # the joint review and the sign-off show each component's indicator values
        values = values_of_submissions([s.id for s in cycle.submissions])
    if recommendation_form is None:
        recommendation_form = RecommendationForm(formdata=None)
    recommendation_form.component.choices = [(c.code, f"{c.code} — {c.name}") for c in cycle.mission.components]
    recommendation_form.co_owners.choices = [(c.code, c.code) for c in cycle.mission.components]
    decision_forms = decision_forms or {}
    can_decide = bool(abilities.can_decide_recommendation(current_user, cycle))
    candidates = owners.candidates_of({r.component_id for r in cycle.recommendations}) if can_decide else {}
    decisions = {
        r.id: _decision_form(r, decision_forms.get(r.id), candidates.get(r.component_id, ()))
        for r in cycle.recommendations
    }
    joint = approval_statuses(cycle)
    return render_template(
        PAGES[page],
        cycle=cycle,
        page=page,
        is_published=is_published(cycle) if page == "cycle" else None,
        steps=steps(cycle),
        progress=progress(cycle),
        offers=[o for o in offers(cycle, current_user) if o.trigger in still_open_to(joint, current_user, [o.trigger])],
        approvals=joint,
        action_form=action_form,
        confirming=confirming,
        events=events,
        trail=timeline.entries(events, timeline.cycle_names(cycle, events)),
        older_events=older,
        events_before=before,
        recommendation_form=recommendation_form,
        decision_forms=decisions,
        values=values,
        can_draft=abilities.can_draft_recommendation(current_user, cycle),
        can_decide=can_decide,
        refused=refused or [],
        word_diff=word_diff,
        **proposal_context(cycle),
    ), status


@bp.get("/cycles/<int:cycle_id>")
@login_required
def cycle(cycle_id: int):
    return render_page("cycle", queries.get_cycle(cycle_id, current_user, options=LOADS["cycle"]()))


@bp.get("/cycles/<int:cycle_id>/review")
@login_required
def joint_review(cycle_id: int):
    cycle = queries.get_cycle(cycle_id, current_user, options=LOADS["review"]())
    return render_page("review", cycle, recommendation_form=kept_form(RecommendationForm, draft_key(cycle_id)))


@bp.get("/cycles/<int:cycle_id>/sign-off")
@login_required
def signoff(cycle_id: int):
    cycle = queries.get_cycle(cycle_id, current_user, options=LOADS["signoff"]())
    forms, refused = kept_decisions(cycle)
    return render_page("signoff", cycle, decision_forms=forms, refused=refused)


@bp.post("/cycles/<int:cycle_id>/transitions")
@login_required
def cycle_transition(cycle_id: int):
    form = TransitionForm()
    page = request.form.get("page", "cycle")
    page = page if page in PAGES else "cycle"
    if not form.validate_on_submit():
        return render_page(
            page, queries.get_cycle(cycle_id, current_user, options=LOADS[page]()), status=422, action_form=form
        )
    item = queries.get_cycle(cycle_id, current_user, for_update=True)
    trigger, before = form.trigger.data, item.state
    is_current = form.expected_version.data in (None, item.version)  # a stale form is told so first
    if is_current and needs_confirmation(item, trigger) and not form.confirmed.data:
        # Asked for again, with what will happen: nothing is done until the person confirms.
        db.session.rollback()
        item = queries.get_cycle(cycle_id, current_user, options=LOADS[page]())
        return render_page(page, item, action_form=form, confirming=trigger)
    try:
        operations.fire_cycle_trigger(
            item,
            trigger,
            current_user,
            comment=form.comment.data,
            expected_version=form.expected_version.data,
            submission_id=form.submission.data,
        )
        commit()
    except DomainError as exc:
        db.session.rollback()
        item = queries.get_cycle(cycle_id, current_user, options=LOADS[page]())
        if isinstance(exc, Conflict) and form.expected_version.data not in (None, item.version):
            form.form_errors.append(
                _(
                    "Someone else changed this cycle since you opened the page: it is now at “%(state)s”. "
                    "Nothing was done; what you typed is kept below.",
                    state=label("state", item.state),
                )
            )
            form.expected_version.data = item.version
            return render_page(page, item, status=409, action_form=form)
        status = refusal_status(exc, form)
        return render_page(page, item, status=status, action_form=form)
    if item.state == before and trigger in {
        t.trigger for t in store.definition_of(item).joint_transitions_from(before)
    }:
        flash(_("Your approval is recorded. The cycle moves on once the other approvals are given."), "success")
        return redirect(url_for(ENDPOINTS[page], cycle_id=cycle_id))
    flash(
        _(
            "Done: %(action)s. The cycle is now at “%(state)s”.",
            action=label("trigger", trigger),
            state=label("state", item.state),
        ),
        "success",
    )
    return redirect(url_for(ENDPOINTS[page], cycle_id=cycle_id))


@bp.post("/cycles/<int:cycle_id>/endorse-all")
@login_required
def endorse_all(cycle_id: int):
    """The SPU endorses every input waiting for it, once confirmed."""
    form = TransitionForm()
    form.trigger.data = ENDORSE_ALL
    page = request.form.get("page", "cycle")
    page = page if page in PAGES else "cycle"
    item = queries.get_cycle(cycle_id, current_user, for_update=True, options=LOADS[page]())
    abilities.require(abilities.can_endorse_all(current_user, item))  # 403 before any form error
    if not form.validate_on_submit():
        return render_page(page, item, status=422, action_form=form)
    stale = form.expected_version.data not in (None, item.version)
    if stale or not form.confirmed.data:
        db.session.rollback()
        item = queries.get_cycle(cycle_id, current_user, options=LOADS[page]())
        if stale:
            form.form_errors.append(_("Someone else changed this cycle since you opened the page: check it again."))
            form.expected_version.data = item.version
        return render_page(page, item, status=409 if stale else 200, action_form=form, confirming=ENDORSE_ALL)
    try:
        endorsed = operations.endorse_all(item, current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        item = queries.get_cycle(cycle_id, current_user, options=LOADS[page]())
        return render_page(page, item, status=refusal_status(exc, form), action_form=form)
    flash(_("Endorsed: %(components)s.", components=", ".join(s.component.name for s in endorsed)), "success")
    return redirect(url_for(ENDPOINTS[page], cycle_id=cycle_id))
