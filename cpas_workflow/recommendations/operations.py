"""Verbs on recommendations: draft in joint review, decide at sign-off, follow up as actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from cpas_workflow.core import access, audit, clock, timezones
from cpas_workflow.core.errors import Conflict, ValidationFailed, Word
from cpas_workflow.core.text import choice, clean_line, clean_text, not_too_far_ahead
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine import store, tasks
from cpas_workflow.engine.firing import flush_or_conflict
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import (
    ACTION_STATUSES,
    DECIDED,
    DECISIONS,
    Recommendation,
    RecommendationUpdate,
)


@dataclass
class RecommendationDraft:
    title: str
    body: str
    component: str
    due: dt.date


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


def draft_recommendation(cycle: Cycle, data: RecommendationDraft, actor) -> Recommendation:
    access.require(actor, "draft_recommendation", cycle)
    if cycle.state != "joint_review":
        raise Conflict(
            _l(
                "recommendations are drafted during the joint review; cycle %(id)s is %(state)s",
                id=cycle.id,
                state=Word("state", cycle.state),
            )
        )
    component = cycle.mission.component(data.component)
    if component is None:
        raise ValidationFailed(
            _l(
                "%(mission)s has no component %(component)s", mission=cycle.mission.code, component=repr(data.component)
            ),
            fields={"component": "unknown component"},
        )
    local_today = timezones.local_date(clock.now(), cycle.mission.timezone)
    if data.due < local_today:
        raise ValidationFailed(
            _l("the due date %(due)s is already past", due=data.due.isoformat()), fields={"due": "in the past"}
        )
    not_too_far_ahead(data.due, "due", local_today)
    recommendation = Recommendation(
        cycle=cycle,
        component=component,
        title=clean_line(data.title, "title", required=True),
        body=clean_text(data.body, "body", required=True),
        due=data.due,
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(recommendation)
    db.session.flush()
    _record("draft_recommendation", recommendation, actor, comment=recommendation.title)
    return recommendation


def decide_recommendation(
    recommendation: Recommendation, decision: str, actor, *, comment: str | None = None, body: str | None = None
) -> Recommendation:
    """Leadership approves, rejects or amends (with a new text) a recommendation during sign-off."""
    access.require(actor, "decide_recommendation", recommendation)
    cycle = recommendation.cycle
    if cycle.state != "leadership_signoff":
        raise Conflict(
            _l(
                "recommendations are decided during leadership sign-off; cycle %(id)s is %(state)s",
                id=cycle.id,
                state=Word("state", cycle.state),
            )
        )
    choice(decision, "decision", DECISIONS)
    comment = clean_text(comment, "comment") or None
    if decision == "amend":
        recommendation.body = clean_text(body, "body", required=True)
    elif body is not None:
        raise ValidationFailed(
            _l("a new body is given only with the decision 'amend'"), fields={"body": "only with amend"}
        )
    recommendation.decision = DECIDED[decision]
    recommendation.decision_comment = comment
    recommendation.decided_at = clock.now()
    flush_or_conflict(cycle)
    _record(f"{decision}_recommendation", recommendation, actor, comment=comment, to_state=recommendation.decision)
    return recommendation


def add_update(recommendation: Recommendation, status: str, note: str, actor) -> RecommendationUpdate:
    """A dated progress update on a follow-up action; settling it closes its task."""
    access.require(actor, "update_recommendation", recommendation)
    cycle = recommendation.cycle
    if cycle.state != "followup":
        raise Conflict(
            _l(
                "actions are followed up once the cycle is in follow-up; cycle %(id)s is %(state)s",
                id=cycle.id,
                state=Word("state", cycle.state),
            )
        )
    if not recommendation.is_action:
        raise ValidationFailed(
            _l(
                "recommendation %(id)s was %(decision)s: only approved or amended ones are followed up",
                id=recommendation.id,
                decision=Word("decision", recommendation.decision),
            )
        )
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
