"""Reading frameworks and indicator values: the version a cycle uses, values for exports and trends."""

from __future__ import annotations

from sqlalchemy import select

from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.framework.models import FrameworkVersion, Indicator, IndicatorValue
from cpas_workflow.missions.models import Mission
from cpas_workflow.submissions.models import Submission

PLANNING_WORKFLOWS = ("mission_plan",)  # they draft the framework; they do not report on it


def published_version(mission: Mission) -> FrameworkVersion | None:
    return db.session.scalar(
        select(FrameworkVersion)
        .where(FrameworkVersion.mission_id == mission.id, FrameworkVersion.state == "published")
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
    )


def draft_version(mission: Mission) -> FrameworkVersion | None:
    return db.session.scalar(
        select(FrameworkVersion)
        .where(FrameworkVersion.mission_id == mission.id, FrameworkVersion.state == "draft")
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
    )


def version_for_cycle(cycle: Cycle) -> FrameworkVersion | None:
    """The published version the cycle started with (the current one for cycles older than frameworks)."""
    if cycle.framework_version_id is not None:
        return db.session.get(FrameworkVersion, cycle.framework_version_id)
    return published_version(cycle.mission)


def indicators_of(submission: Submission) -> list[Indicator]:
    """The indicators a component reports on in this cycle (none in a planning cycle)."""
    if submission.cycle.workflow in PLANNING_WORKFLOWS:
        return []
    version = version_for_cycle(submission.cycle)
    if version is None:
        return []
    return [i for i in version.indicators if i.component_id == submission.component_id]


def values_of_submission(submission: Submission) -> list[IndicatorValue]:
    return list(
        db.session.scalars(
            select(IndicatorValue)
            .join(Indicator, IndicatorValue.indicator_id == Indicator.id)
            .where(IndicatorValue.submission_id == submission.id)
            .order_by(Indicator.position, Indicator.code)
        ).unique()
    )


def mission_values(mission: Mission, *, period: str | None = None, cycle: Cycle | None = None) -> list[IndicatorValue]:
    """Every value reported in the mission's assessment cycles (cancelled ones left out), ordered by
    period, indicator and component; narrowed to one period or one cycle if asked."""
    query = (
        select(IndicatorValue)
        .join(Submission, IndicatorValue.submission_id == Submission.id)
        .join(Cycle, Submission.cycle_id == Cycle.id)
        .join(Indicator, IndicatorValue.indicator_id == Indicator.id)
        .where(Cycle.mission_id == mission.id, Cycle.state != "cancelled")
    )
    if period is not None:
        query = query.where(IndicatorValue.period == period)
    if cycle is not None:
        query = query.where(Submission.cycle_id == cycle.id)
    rows = db.session.scalars(query).unique()
    return sorted(rows, key=lambda v: (v.period, v.indicator.position, v.indicator.code, v.component.code))


def history(mission: Mission, up_to_period: str) -> dict[str, list[IndicatorValue]]:
    """Values by indicator code, oldest period first, up to and including `up_to_period`
    (periods like 2026-Q3 sort in time order as text)."""
    by_code: dict[str, list[IndicatorValue]] = {}
    for value in mission_values(mission):
        if value.period <= up_to_period:
            by_code.setdefault(value.indicator.code, []).append(value)
    return by_code


def assessment_cycles(mission: Mission) -> list[Cycle]:
    rows = db.session.scalars(
        select(Cycle).where(Cycle.mission_id == mission.id, Cycle.state != "cancelled").order_by(Cycle.period)
    ).unique()
    return [c for c in rows if c.workflow == "quarterly_assessment"]


def cycle_for_period(mission: Mission, period: str) -> Cycle | None:
    return next((c for c in assessment_cycles(mission) if c.period == period), None)
