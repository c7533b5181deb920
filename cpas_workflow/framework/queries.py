"""Reading frameworks and indicator values: the version a cycle uses, values for exports and trends."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine.models import WorkflowDefinition
from cpas_workflow.extensions import db
from cpas_workflow.framework.models import FrameworkVersion, Indicator, IndicatorValue, Result
from cpas_workflow.missions.models import Mission
from cpas_workflow.submissions.models import Submission

PLANNING_WORKFLOWS = ("mission_plan",)  # they draft the framework; they do not report on it
ASSESSMENT_WORKFLOW = "quarterly_assessment"  # the cycles whose values make the trends and factsheets


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


def mission_values(
    mission: Mission,
    *,
    period: str | None = None,
    cycle: Cycle | None = None,
    since: str | None = None,
    up_to: str | None = None,
) -> list[IndicatorValue]:
    """Every value reported in the mission's assessment cycles (cancelled ones left out), ordered by
    period, indicator and component; narrowed to one period, one cycle or a span of periods if asked."""
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
    if since is not None:
        query = query.where(IndicatorValue.period >= since)
    if up_to is not None:
        query = query.where(IndicatorValue.period <= up_to)
    rows = db.session.scalars(query).unique()
    return sorted(rows, key=lambda v: (v.period, v.indicator.position, v.indicator.code, v.component.code))


def history(mission: Mission, up_to_period: str, *, since: str | None = None) -> dict[str, list[IndicatorValue]]:
    """Values by indicator code, oldest period first, up to and including `up_to_period` (from
    `since` on, if given), read in one statement (periods like 2026-Q3 sort in time order as text)."""
    by_code: dict[str, list[IndicatorValue]] = {}
    for value in mission_values(mission, since=since, up_to=up_to_period):
        by_code.setdefault(value.indicator.code, []).append(value)
    return by_code


def _assessments(mission: Mission):
    """The mission's assessment cycles (cancelled ones left out), as a query to narrow."""
    return (
        select(Cycle)
        .join(WorkflowDefinition, Cycle.definition_id == WorkflowDefinition.id)
        .where(
            Cycle.mission_id == mission.id,
            Cycle.state != "cancelled",
            WorkflowDefinition.name == ASSESSMENT_WORKFLOW,
        )
    )


def assessment_periods(mission: Mission, *, up_to: str, last: int) -> list[str]:
    """The `last` periods up to `up_to` (included, assessed or not) of the mission's assessments."""
    query = _assessments(mission).with_only_columns(Cycle.period).where(Cycle.period <= up_to).distinct()
    return sorted(set(db.session.scalars(query)) | {up_to})[-last:]


def cycle_for_period(mission: Mission, period: str) -> Cycle | None:
    """The mission's assessment of `period`, with what the factsheet and the HQ page show of it."""
    query = (
        _assessments(mission)
        .where(Cycle.period == period)
        .options(
            joinedload(Cycle.mission).selectinload(Mission.components),
            contains_eager(Cycle.definition),
            selectinload(Cycle.submissions),
            selectinload(Cycle.recommendations),
        )
        .order_by(Cycle.id)
    )
    return db.session.scalars(query).first()
