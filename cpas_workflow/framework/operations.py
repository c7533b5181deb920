"""Verbs on the results framework: import a draft during planning, publish it at sign-off, and
save a component's indicator values. They flush; the boundary commits."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.errors import Conflict, ValidationFailed
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.framework import imports, queries
from cpas_workflow.framework.models import FrameworkVersion, Indicator, Result
from cpas_workflow.missions.models import Mission

EDITABLE_PLAN_STATES = ("draft", "component_input", "joint_review")


def planning_cycle(mission: Mission) -> Cycle | None:
    """The mission plan cycle under way, in which the framework may be edited."""
    rows = db.session.scalars(
        select(Cycle)
        .where(Cycle.mission_id == mission.id, Cycle.state.in_(EDITABLE_PLAN_STATES))
        .options(joinedload(Cycle.definition))
        .order_by(Cycle.id.desc())
    ).unique()
    return next((c for c in rows if c.workflow == "mission_plan"), None)


def _open_draft(mission: Mission, cycle: Cycle) -> FrameworkVersion:
    draft = queries.draft_version(mission, tree=False)
    if draft is not None:
        draft.planning_cycle_id = cycle.id
        return draft
    last = db.session.scalar(
        select(db.func.max(FrameworkVersion.number)).where(FrameworkVersion.mission_id == mission.id)
    )
    draft = FrameworkVersion(
        mission_id=mission.id, number=(last or 0) + 1, state="draft", planning_cycle_id=cycle.id, created_at=clock.now()
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def import_framework(mission: Mission, filename: str, data: bytes, actor) -> FrameworkVersion:
    """Replace the draft framework with the sheet's content; any wrong row and nothing changes."""
    access.require(actor, "edit_framework", mission)
    cycle = planning_cycle(mission)
    if cycle is None:
        raise Conflict(
            _l(
                "%(mission)s has no mission plan cycle in draft, component input or joint review: "
                "the results framework is edited within a planning cycle",
                mission=mission.code,
            )
        )
    # numbers written as text in the sheet are read in the importer's language
    rows = imports.check_sheet(filename, data, [c.code for c in mission.components], actor.language or "en")
    draft = _open_draft(mission, cycle)
    _replace_content(draft, mission, rows)
    audit.record(
        "import_framework",
        actor=actor,
        subject=f"framework:{mission.code}:v{draft.number}",
        mission_id=mission.id,
        cycle_id=cycle.id,
        to_state="draft",
        comment=f"{filename}: {len(draft.results)} results, {len(draft.indicators)} indicators",
    )
    return draft


def _replace_content(draft: FrameworkVersion, mission: Mission, rows: list[imports.Row]) -> None:
    db.session.refresh(draft, ["results", "indicators"])
    for indicator in list(draft.indicators):
        db.session.delete(indicator)
    for result in list(draft.results):
        result.parent = None
        db.session.delete(result)
    db.session.flush()
    db.session.expire(draft, ["results", "indicators"])
    results: dict[str, Result] = {}
    for position, row in enumerate(rows):
        kind = row.get("type").lower()
        if kind == "indicator":
            continue
        result = Result(
            version=draft,
            level=kind,
            code=row.get("code"),
            title=row.get("title"),
            position=position,
            components=[mission.component(c) for c in row.parsed["components"]],
        )
        results[result.code] = result
        db.session.add(result)
    for row in rows:
        if row.get("type").lower() != "indicator" and row.get("parent"):
            results[row.get("code")].parent = results[row.get("parent")]
    for position, row in enumerate(rows):
        if row.get("type").lower() != "indicator":
            continue
        p = row.parsed
        db.session.add(
            Indicator(
                version=draft,
                result=results[row.get("parent")],
                component=mission.component(row.get("responsible")),
                code=row.get("code"),
                title=row.get("title"),
                definition=row.get("definition"),
                unit=row.get("unit")[:60],
                kind=p["kind"],
                levels="|".join(p["levels"]),
                direction=p["direction"],
                baseline_value=p["baseline"],
                baseline_date=p["baseline_date"],
                target_value=p["target"],
                target_date=p["target_date"],
                minimum=p["minimum"],
                maximum=p["maximum"],
                data_source=row.get("data_source")[:300],
                frequency=p["frequency"],
                is_headline=p["headline"],
                position=position,
            )
        )
    db.session.flush()
    db.session.refresh(draft, ["results", "indicators"])


def publish_draft(cycle: Cycle, actor, now: dt.datetime) -> FrameworkVersion | None:
    """The effect of the mission plan's `publish`: its draft becomes the published framework, the one
    before it is superseded. A plan without a drafted framework publishes nothing new."""
    draft = db.session.scalar(
        select(FrameworkVersion).where(
            FrameworkVersion.planning_cycle_id == cycle.id, FrameworkVersion.state == "draft"
        )
    )
    if draft is None:
        return None
    if db.session.scalar(select(Indicator.id).where(Indicator.version_id == draft.id).limit(1)) is None:
        raise ValidationFailed(
            _l("the drafted results framework has no indicators: import one before publishing"),
            fields={"framework": "no indicators"},
        )
    previous = queries.published_version(cycle.mission, tree=False)
    if previous is not None:
        previous.state = "superseded"
    draft.state = "published"
    draft.published_at = now
    db.session.flush()
    audit.record(
        "publish_framework",
        actor=actor,
        subject=f"framework:{cycle.mission.code}:v{draft.number}",
        mission_id=cycle.mission_id,
        cycle_id=cycle.id,
        from_state="draft",
        to_state="published",
    )
    return draft
