"""Reading frameworks and indicator values: the version a cycle uses, values for exports and trends."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.framework.models import FrameworkVersion, Indicator, IndicatorValue, Result
from cpas_workflow.missions.models import Mission
from cpas_workflow.submissions.models import Submission

PLANNING_WORKFLOWS = ("mission_plan",)  # they draft the framework; they do not report on it


def version_tree() -> tuple:
    """A version with its whole tree: results with their children, components and indicators, and
    every indicator with its component (the framework pages, the API, reports and exports)."""
    results = selectinload(FrameworkVersion.results)
    return (
        joinedload(FrameworkVersion.mission),
        results.selectinload(Result.children),
        results.selectinload(Result.components),
        results.selectinload(Result.indicators).joinedload(Indicator.component),
        selectinload(FrameworkVersion.indicators).joinedload(Indicator.component),
    )


def _version(where, *, tree: bool) -> FrameworkVersion | None:
    query = select(FrameworkVersion).where(*where).order_by(FrameworkVersion.number.desc()).limit(1)
    return db.session.scalar(query.options(*version_tree()) if tree else query)


def published_version(mission: Mission, *, tree: bool = True) -> FrameworkVersion | None:
    """The mission's published version; `tree=False` for the row alone."""
    return _version((FrameworkVersion.mission_id == mission.id, FrameworkVersion.state == "published"), tree=tree)


def draft_version(mission: Mission, *, tree: bool = True) -> FrameworkVersion | None:
    return _version((FrameworkVersion.mission_id == mission.id, FrameworkVersion.state == "draft"), tree=tree)


def version_for_cycle(cycle: Cycle) -> FrameworkVersion | None:
    """The published version the cycle started with (the current one for cycles older than frameworks)."""
    if cycle.framework_version_id is not None:
        return _version((FrameworkVersion.id == cycle.framework_version_id,), tree=True)
    return published_version(cycle.mission)


def indicators_of(submission: Submission) -> list[Indicator]:
    """The indicators a component reports on in this cycle (none in a planning cycle)."""
    cycle = submission.cycle
    if cycle.workflow in PLANNING_WORKFLOWS:
        return []
    version_id = cycle.framework_version_id
    if version_id is None:
        version = published_version(cycle.mission, tree=False)
        if version is None:
            return []
        version_id = version.id
    return list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.version_id == version_id, Indicator.component_id == submission.component_id)
            .order_by(Indicator.position, Indicator.id)
        )
    )


def values_of_submission(submission: Submission) -> list[IndicatorValue]:
    return list(
        db.session.scalars(
            select(IndicatorValue)
            .join(Indicator, IndicatorValue.indicator_id == Indicator.id)
            .where(IndicatorValue.submission_id == submission.id)
            .options(contains_eager(IndicatorValue.indicator), joinedload(IndicatorValue.component))
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
        .options(
            contains_eager(IndicatorValue.indicator),
            contains_eager(IndicatorValue.submission).contains_eager(Submission.cycle),
            joinedload(IndicatorValue.component),
        )
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
        select(Cycle)
        .where(Cycle.mission_id == mission.id, Cycle.state != "cancelled")
        .options(
            joinedload(Cycle.mission).joinedload(Mission.components),
            joinedload(Cycle.definition),
            selectinload(Cycle.submissions),
            selectinload(Cycle.recommendations),
        )
        .order_by(Cycle.period)
    ).unique()
    return [c for c in rows if c.workflow == "quarterly_assessment"]


def cycle_for_period(mission: Mission, period: str) -> Cycle | None:
    return next((c for c in assessment_cycles(mission) if c.period == period), None)
