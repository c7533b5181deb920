"""Recommendations proposed by a component (its focal point or head) during input or the joint
review, and the SPU's answer: accepted as a draft, merged into a draft, or declined with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from cpas_workflow import abilities
from cpas_workflow.core import audit, clock, timezones
from cpas_workflow.core.errors import NotFound, ValidationFailed
from cpas_workflow.core.text import choice, clean_line, clean_text
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine.firing import flush_or_conflict
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.recommendations.operations import _due, _record

SETTLEMENTS = ("accept", "merge", "decline")
DEFAULT_DUE_DAYS = 90  # a proposal without a due date: the end of the next quarter, about


@dataclass
class Proposal:
    title: str
    body: str
    component: str
    due: dt.date | None = None


@dataclass
class Settlement:
    decision: str  # accept, merge or decline
    reason: str | None = None
    into: int | None = None  # the draft a merged proposal joins


def propose_recommendation(cycle: Cycle, data: Proposal, actor) -> Recommendation:
    abilities.require(abilities.can_propose_recommendation(actor, cycle))
    mine = abilities.proposing_components(actor, cycle)
    component = next((c for c in mine if c.code == data.component), None)
    if component is None:
        raise ValidationFailed(
            _l(
                "you may propose for %(mine)s only, not %(given)s",
                mine=", ".join(c.code for c in mine),
                given=repr(data.component),
            ),
            fields={"component": "not a component of yours in this cycle"},
        )
    today = timezones.local_date(clock.now(), cycle.mission.timezone)
    recommendation = Recommendation(
        cycle_id=cycle.id,  # not `cycle=`: a proposal is no part of the cycle's list until accepted
        component_id=component.id,
        title=clean_line(data.title, "title", required=True),
        body=clean_text(data.body, "body", required=True),
        due=_due(cycle, data.due) if data.due else today + dt.timedelta(days=DEFAULT_DUE_DAYS),
        stage="proposed",
        proposed_by_id=actor.id,
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(recommendation)
    db.session.flush()
    audit.record(
        "propose_recommendation",
        actor=actor,
        subject=f"recommendation:{recommendation.id}",
        mission_id=cycle.mission_id,
        cycle_id=cycle.id,
        to_state="proposed",
        comment=recommendation.title,
    )
    return recommendation


def settle_proposal(proposal: Recommendation, data: Settlement, actor) -> Recommendation:
    """Accept (it becomes a draft), merge into a draft (its text joins the draft's), or decline (why)."""
    abilities.require(abilities.can_settle_proposal(actor, proposal, check_state=False))
    decision = choice(data.decision, "decision", SETTLEMENTS)
    abilities.require(abilities.can_settle_proposal(actor, proposal, to_draft=decision != "decline"))
    reason = clean_text(data.reason, "reason", required=decision == "decline") or None
    cycle = proposal.cycle
    if decision == "merge":
        target = _merge_target(proposal, data.into)
        target.body = clean_text(f"{target.body}\n\n{proposal.body}", "body")
        proposal.merged_into_id = target.id
    proposal.stage = {"accept": "current", "merge": "merged", "decline": "declined"}[decision]
    proposal.stage_comment = reason
    proposal.stage_at = clock.now()
    flush_or_conflict(cycle)
    _record(f"{decision}_proposal", proposal, actor, comment=proposal.title + (f": {reason}" if reason else ""))
    db.session.expire(cycle, ["recommendations"])
    return proposal


def _merge_target(proposal: Recommendation, into: int | None) -> Recommendation:
    if into is None:
        raise ValidationFailed(_l("say which draft the proposal joins"), fields={"into": "required to merge"})
    target = db.session.get(Recommendation, into)
    if target is None or target.cycle_id != proposal.cycle_id or not target.is_undecided_draft:
        raise ValidationFailed(
            _l("#%(id)s is not an undecided draft of this cycle", id=into), fields={"into": "not a draft of this cycle"}
        )
    return target


def get_proposal(recommendation_id: int, user) -> Recommendation:
    from cpas_workflow.recommendations.operations import get_recommendation

    proposal = get_recommendation(recommendation_id, user)
    if proposal.stage not in ("proposed", "declined", "merged"):
        raise NotFound(_l("no such proposal"))
    return proposal
