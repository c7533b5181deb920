"""Verbs on recommendations: draft in joint review, decide at sign-off, follow up as actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from cpas_workflow import abilities
from cpas_workflow.core import access, audit, clock, timezones
from cpas_workflow.core.errors import Conflict, ValidationFailed
from cpas_workflow.core.text import choice, clean_line, clean_text, field_name, not_too_far_ahead
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine import store, tasks
from cpas_workflow.engine.firing import flush_or_conflict
from cpas_workflow.extensions import db
from cpas_workflow.recommendations import owners
from cpas_workflow.recommendations.models import (
    ACTION_STATUSES,
    DECIDED,
    DECISIONS,
    Recommendation,
    RecommendationUpdate,
)
from cpas_workflow.recommendations.queries import lineage
from notifications import news


@dataclass
class RecommendationDraft:
    title: str
    body: str
    component: str
    due: dt.date
    co_owners: list[str] | None = None  # other components sharing the action; `component` leads


def get_recommendation(recommendation_id: int, user) -> Recommendation:
    """The recommendation with its cycle (as `cycles.queries.head()` loads it), owner and updates."""
    from cpas_workflow.cycles.queries import head

    query = (
        select(Recommendation)
        .where(Recommendation.id == recommendation_id)
        .options(
            joinedload(Recommendation.cycle).options(*head()),
            joinedload(Recommendation.owner),
            selectinload(Recommendation.updates).joinedload(RecommendationUpdate.actor),
            *lineage(),
        )
    )
    return access.ensure_visible(user, db.session.scalars(query).unique().first())


def _record(
    action: str, recommendation: Recommendation, actor, comment: str | None = None, to_state: str | None = None
):
    audit.record(
        action,
        actor=actor,
        subject=f"recommendation:{recommendation.id}",
        mission_id=recommendation.cycle.mission_id,
        cycle_id=recommendation.cycle_id,
        to_state=to_state,
        comment=comment,
    )


def _component(cycle: Cycle, code: str):
    component = cycle.mission.component(code)
    if component is None:
        raise ValidationFailed(
            _l("%(mission)s has no component %(component)s", mission=cycle.mission.code, component=repr(code)),
            fields={"component": "unknown component"},
        )
    return component


def _co_owners(cycle: Cycle, codes: list[str], lead) -> list:
    """The co-owning components named by `codes`: the mission's, each once, never the lead itself."""
    found = []
    for code in codes:
        component = cycle.mission.component(code) if isinstance(code, str) else None
        if component is None:
            raise ValidationFailed(
                _l("%(mission)s has no component %(component)s", mission=cycle.mission.code, component=repr(code)),
                fields={"co_owners": "unknown component"},
            )
        if component.id == lead.id:
            raise ValidationFailed(
                _l("%(code)s leads this recommendation; co-owners are the other components sharing it", code=code),
                fields={"co_owners": "the lead component"},
            )
        if component not in found:
            found.append(component)
    return found


def _due(cycle: Cycle, due: dt.date) -> dt.date:
    local_today = timezones.local_date(clock.now(), cycle.mission.timezone)
    if due < local_today:
        raise ValidationFailed(
            _l("the due date %(due)s is already past", due=due.isoformat()), fields={"due": "in the past"}
        )
    return not_too_far_ahead(due, "due", local_today)


def draft_recommendation(cycle: Cycle, data: RecommendationDraft, actor) -> Recommendation:
    abilities.require(abilities.can_draft_recommendation(actor, cycle))
    lead = _component(cycle, data.component)
    recommendation = Recommendation(
        cycle=cycle,
        component=lead,
        stage="current",
        co_components=_co_owners(cycle, data.co_owners or [], lead),
        title=clean_line(data.title, "title", required=True),
        body=clean_text(data.body, "body", required=True),
        due=_due(cycle, data.due),
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(recommendation)
    db.session.flush()
    _record("draft_recommendation", recommendation, actor, comment=recommendation.title)
    return recommendation


@dataclass
class RecommendationEdit:
    """What `PUT /recommendations/{id}` may change; None leaves a field as it is."""

    title: str | None = None
    body: str | None = None
    component: str | None = None
    due: dt.date | None = None
    co_owners: list[str] | None = None
    expected_version: int | None = None


def _require_draft(recommendation: Recommendation, actor) -> None:
    abilities.require(abilities.can_edit_recommendation(actor, recommendation))


def edit_recommendation(recommendation: Recommendation, data: RecommendationEdit, actor) -> Recommendation:
    """The SPU corrects a draft before leadership sees it: title, text, component or due date."""
    _require_draft(recommendation, actor)
    cycle = recommendation.cycle
    if data.expected_version is not None and data.expected_version != recommendation.version:
        raise Conflict(
            _l(
                "recommendation #%(id)s changed since you read it (version %(version)s, not %(expected)s)",
                id=recommendation.id,
                version=recommendation.version,
                expected=data.expected_version,
            )
        )
    changed = []
    if data.title is not None:
        title = clean_line(data.title, "title", required=True)
        changed += ["title"] if title != recommendation.title else []
        recommendation.title = title
    if data.body is not None:
        body = clean_text(data.body, "body", required=True)
        changed += ["body"] if body != recommendation.body else []
        recommendation.body = body
    if data.component is not None:
        component = _component(cycle, data.component)
        changed += ["component"] if component.id != recommendation.component_id else []
        recommendation.component = component
    if data.co_owners is not None or data.component is not None:
        codes = [c.code for c in recommendation.co_components] if data.co_owners is None else data.co_owners
        co_owners = _co_owners(cycle, codes, recommendation.component)
        changed += ["co_owners"] if co_owners != list(recommendation.co_components) else []
        recommendation.co_components = co_owners
    if data.due is not None:
        due = _due(cycle, data.due)
        changed += ["due"] if due != recommendation.due else []
        recommendation.due = due
    flush_or_conflict(cycle)
    if changed:
        _record("edit_recommendation", recommendation, actor, comment=f"{recommendation.title} ({', '.join(changed)})")
    return recommendation


def withdraw_recommendation(recommendation: Recommendation, actor, *, reason: str | None = None) -> None:
    """The SPU takes a draft back: it leaves the cycle, and stays in the register and the audit trail."""
    _require_draft(recommendation, actor)
    reason = clean_text(reason, "reason") or None
    recommendation.stage = "withdrawn"
    recommendation.stage_comment = reason
    recommendation.stage_at = clock.now()
    flush_or_conflict(recommendation.cycle)
    _record(
        "withdraw_recommendation",
        recommendation,
        actor,
        comment=recommendation.title + (f": {reason}" if reason else ""),
        to_state="withdrawn",
    )
    db.session.expire(recommendation.cycle, ["recommendations"])


@dataclass
class Decision:
    """Leadership's decision on one recommendation. `body` and `due` only with `amend`; `owner` (an
    e-mail) names who will own the action, with `approve` or `amend`."""

    decision: str
    comment: str | None = None
    body: str | None = None
    due: dt.date | None = None
    owner: str | None = None


def decide_recommendation(
    recommendation: Recommendation,
    decision: str | Decision,
    actor,
    *,
    comment: str | None = None,
    body: str | None = None,
) -> Recommendation:
    """Leadership approves, rejects (saying why) or amends (a new text, perhaps a new owner and due
    date; the original text is kept) a recommendation during sign-off."""
    data = decision if isinstance(decision, Decision) else Decision(decision, comment=comment, body=body)
    abilities.require(abilities.can_decide_recommendation(actor, recommendation))
    cycle = recommendation.cycle
    choice(data.decision, "decision", DECISIONS)
    comment = clean_text(data.comment, "comment") or None
    if data.decision == "reject" and comment is None:
        raise ValidationFailed(_l("a rejection needs a comment saying why"), fields={"comment": "required to reject"})
    if data.decision != "amend":
        for name in ("body", "due"):
            if getattr(data, name) is not None:
                raise ValidationFailed(
                    _l("a new %(name)s is given only with the decision 'amend'", name=field_name(name)),
                    fields={name: "only with amend"},
                )
    if data.owner is not None and data.decision == "reject":
        raise ValidationFailed(_l("a rejected recommendation has no owner"), fields={"owner": "not with reject"})
    owner = owners.candidate(recommendation, data.owner) if data.owner else None
    if data.decision == "amend":
        amended = clean_text(data.body, "body", required=True)
        due = _due(cycle, data.due) if data.due is not None else recommendation.due
        if recommendation.original_body is None:
            recommendation.original_body = recommendation.body
        recommendation.body = amended
        recommendation.due = due
    elif recommendation.original_body is not None:  # decided again: the text goes back to what was proposed
        recommendation.body = recommendation.original_body
        recommendation.original_body = None
    if owner is not None or data.decision == "reject":  # an owner chosen earlier stays unless replaced
        recommendation.owner = owner
    recommendation.decision = DECIDED[data.decision]
    recommendation.decision_comment = comment
    recommendation.decided_at = clock.now()
    flush_or_conflict(cycle)
    _record(f"{data.decision}_recommendation", recommendation, actor, comment=comment, to_state=recommendation.decision)
    news.tell_recommendation_decided(recommendation, actor)
    return recommendation


def add_update(recommendation: Recommendation, status: str, note: str, actor) -> RecommendationUpdate:
    """A dated progress update on a follow-up action; settling it closes its task."""
    abilities.require(abilities.can_update_recommendation(actor, recommendation))
    cycle = recommendation.cycle
    allowed = ACTION_STATUSES + (
        ("carried_over",) if access.can(actor, "carry_over_recommendation", recommendation) else ()
    )
    choice(status, "status", allowed)
    note = clean_text(note, "note", required=True)
    now = clock.now()
    previous = recommendation.status
    recommendation.status = status
    update = RecommendationUpdate(
        recommendation=recommendation, actor_id=actor.id, status=status, note=note, created_at=now
    )
    db.session.add(update)
    if status in ("done", "dropped", "carried_over"):
        tasks.close_recommendation_tasks(recommendation, now)
    elif previous in ("done", "dropped", "carried_over"):
        _reopen_task(recommendation, now, actor)
    flush_or_conflict(cycle)
    _record("update_recommendation", recommendation, actor, comment=note, to_state=status)
    return update


def _reopen_task(recommendation: Recommendation, now: dt.datetime, actor) -> None:
    """The action is taken up again: its task opens again, the way the engine opens every task."""
    cycle = recommendation.cycle
    tasks.open_action_tasks(cycle, store.definition_of(cycle), recommendation, now, actor=actor)
