"""Verbs on cycles: start one, fire its triggers. The caller's boundary commits."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from cpas_workflow import abilities
from cpas_workflow.core import access, audit, clock, timezones
from cpas_workflow.core.errors import ValidationFailed, Word
from cpas_workflow.core.text import clean_line, clean_text, not_too_far_ahead
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine import fire, store, tasks
from cpas_workflow.engine.definitions import DefinitionError
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.submissions.models import Submission

PERIOD = re.compile(r"^\d{4}(-Q[1-4]|-H[12]|-\d{2})?$")


@dataclass
class CycleDraft:
    workflow: str
    period: str
    input_due: dt.date
    components: list[str]
    title: str | None = None


def start_cycle(mission: Mission, data: CycleDraft, actor) -> Cycle:
    """Open a new cycle of `data.workflow` for `mission`, one submission per participating component."""
    access.require(actor, "start_cycle", mission)
    try:
        definition = store.current_definition(data.workflow)
    except DefinitionError:
        raise ValidationFailed(
            _l("unknown workflow '%(workflow)s'", workflow=data.workflow), fields={"workflow": "unknown workflow"}
        ) from None
    if definition.subject != "cycle":
        raise ValidationFailed(
            _l("'%(workflow)s' is not a cycle workflow", workflow=data.workflow),
            fields={"workflow": "not a cycle workflow"},
        )
    period = data.period.strip()
    if not PERIOD.match(period):
        raise ValidationFailed(
            _l("period must look like 2026-Q4, 2026-H1, 2026-12 or 2026, not %(period)s", period=repr(data.period)),
            fields={"period": "bad period"},
        )
    local_today = timezones.local_date(clock.now(), mission.timezone)
    if data.input_due < local_today:
        raise ValidationFailed(
            _l(
                "the input deadline %(due)s is already past (today is %(today)s in the mission)",
                due=data.input_due.isoformat(),
                today=local_today.isoformat(),
            ),
            fields={"input_due": "in the past"},
        )
    not_too_far_ahead(data.input_due, "input_due", local_today)
    components = _participants(mission, data.components)
    _refuse_duplicate(mission, definition.name, period)
    row = store.register(definition)
    child = (
        store.register(store.current_definition(definition.submission_workflow))
        if definition.submission_workflow
        else None
    )
    title = clean_line(data.title, "title") or f"{mission.code} {period} {definition.title.lower()}"
    child_initial = store.current_definition(child.name).initial if child else None
    now = clock.now()
    cycle = Cycle(
        mission=mission,
        definition=row,
        submission_definition_id=child.id if child else None,
        period=period,
        title=title,
        state=definition.initial,
        input_due=data.input_due,
        created_by_id=actor.id,
        state_entered_at=now,
        created_at=now,
        submissions=[
            Submission(component=component, state=child_initial, due=data.input_due, narrative="")
            for component in components
        ],
        recommendations=[],  # carried-over actions join it below; the new cycle holds what it has
    )
    db.session.add(cycle)
    _use_published_framework(cycle)
    db.session.flush()
    _carry_over_actions(cycle, actor)
    tasks.open_tasks(cycle, store.definition_of(cycle), cycle.state, now, actor=actor)
    audit.record(
        "start_cycle",
        actor=actor,
        subject=f"cycle:{cycle.id}",
        mission_id=mission.id,
        cycle_id=cycle.id,
        to_state=cycle.state,
        comment=f"{definition.name} v{definition.version}; components: {', '.join(c.code for c in components)}",
    )
    db.session.flush()
    return cycle


def _use_published_framework(cycle: Cycle) -> None:
    """The cycle keeps the framework version published when it started, whatever is published later."""
    from cpas_workflow.framework.queries import published_version

    version = published_version(cycle.mission, tree=False)
    cycle.framework_version_id = version.id if version is not None else None


def _participants(mission: Mission, codes: list[str]):
    if not codes:
        raise ValidationFailed(_l("name at least one participating component"), fields={"components": "required"})
    unknown = [c for c in codes if mission.component(c) is None]
    if unknown:
        raise ValidationFailed(
            _l(
                "%(mission)s has no component %(unknown)s (it has %(known)s)",
                mission=mission.code,
                unknown=", ".join(unknown),
                known=", ".join(c.code for c in mission.components),
            ),
            fields={"components": "unknown component"},
        )
    if len(set(codes)) != len(codes):
        raise ValidationFailed(_l("a component is named twice"), fields={"components": "duplicate"})
    return [mission.component(c) for c in codes]


def _refuse_duplicate(mission: Mission, workflow: str, period: str) -> None:
    existing = db.session.scalars(
        select(Cycle)
        .where(Cycle.mission_id == mission.id, Cycle.period == period, Cycle.state != "cancelled")
        .options(joinedload(Cycle.definition))
    ).unique()
    for cycle in existing:
        if cycle.workflow == workflow:
            raise ValidationFailed(
                _l(
                    "%(mission)s already has a %(workflow)s cycle for %(period)s (cycle %(id)s, %(state)s)",
                    mission=mission.code,
                    workflow=workflow,
                    period=period,
                    id=cycle.id,
                    state=Word("state", cycle.state),
                ),
                fields={"period": "duplicate"},
            )


def _carry_over_actions(cycle: Cycle, actor) -> None:
    """Actions carried over from earlier cycles of the mission become this cycle's recommendations."""
    carried = db.session.scalars(
        select(Recommendation)
        .join(Cycle, Recommendation.cycle_id == Cycle.id)
        .where(Cycle.mission_id == cycle.mission_id, Recommendation.status == "carried_over")
        .options(
            contains_eager(Recommendation.cycle),
            joinedload(Recommendation.owner),
            joinedload(Recommendation.origin).joinedload(Recommendation.cycle),
        )
    ).unique()
    already = set(
        db.session.scalars(select(Recommendation.carried_from_id).where(Recommendation.carried_from_id.is_not(None)))
    )
    for old in carried:
        if old.id in already:
            continue
        db.session.add(
            Recommendation(
                cycle=cycle,
                component_id=old.component_id,
                title=old.title,
                body=old.body,
                due=old.due,
                stage="current",
                carried_from=old,  # its history and origin go along, as does its owner
                origin=old.origin or old,
                owner=old.owner,
                created_by_id=actor.id,
            )
        )


def fire_cycle_trigger(
    cycle: Cycle,
    trigger: str,
    actor,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
    submission_id: int | None = None,
):
    """Fire `trigger` on `cycle`; `submission_id` names the input sent back by `return_to_component`."""
    params = {"submission": submission_id} if submission_id is not None else {}
    abilities.require(abilities.can_fire(actor, cycle, trigger, check_rules=False))  # the rules: in the engine
    if comment is not None:
        comment = clean_text(comment, "comment")
    return fire(cycle, trigger, actor=actor, comment=comment, expected_version=expected_version, params=params)


def endorse_all(cycle: Cycle, actor) -> list[Submission]:
    """Endorse every input of the cycle waiting for it that `actor` may endorse; the endorsed inputs."""
    from cpas_workflow.submissions.operations import fire_submission_trigger

    abilities.require(abilities.can_endorse_all(actor, cycle))
    endorsed = abilities.endorsable(actor, cycle)
    for submission in endorsed:
        fire_submission_trigger(submission, "endorse", actor)
    return endorsed
