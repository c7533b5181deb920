"""Reading frameworks and indicator values: the version a cycle uses, values for exports and trends,
and the publication rule (which values may leave the mission)."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.db import run
from cpas_workflow.cycles.models import ASSESSMENT_WORKFLOWS, Cycle
from cpas_workflow.engine.models import WorkflowDefinition
from cpas_workflow.extensions import db
from cpas_workflow.framework.models import FrameworkVersion, Indicator, IndicatorValue, IndicatorValueChange, Result
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


def _version_id(cycle: Cycle) -> int | None:
    """The framework version whose indicators the cycle reports on (None: none, or a planning cycle)."""
    if cycle.workflow in PLANNING_WORKFLOWS:
        return None
    if cycle.framework_version_id is not None:
        return cycle.framework_version_id
    version = published_version(cycle.mission, tree=False)
    return None if version is None else version.id


def indicators_of(submission: Submission) -> list[Indicator]:
    """The indicators a component reports on in this cycle (none in a planning cycle)."""
    version_id = _version_id(submission.cycle)
    if version_id is None:
        return []
    return list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.version_id == version_id, Indicator.component_id == submission.component_id)
            .order_by(Indicator.position, Indicator.id)
        )
    )


def missing_indicator_codes(submission: Submission) -> list[str]:
    """The codes of the indicators the component reports on (as `indicators_of` finds them) that have
    no value row in the submission yet, matched by code: one statement, no objects (the submit guard)."""
    cycle = submission.cycle
    if cycle.workflow in PLANNING_WORKFLOWS:
        return []
    params = {"submission_id": submission.id, "component_id": submission.component_id}
    if cycle.framework_version_id is not None:
        params["version_id"] = cycle.framework_version_id
    else:  # cycles older than frameworks: the mission's published version
        params["mission_id"] = cycle.mission_id
    query = _missing_query(cycle.framework_version_id is not None)
    return list(run(query, params).scalars())


@functools.cache
def _missing_query(has_version: bool):
    """Built once per shape (the guard runs at every submit), run with the ids as parameters."""
    version_id = (
        bindparam("version_id")
        if has_version
        else select(FrameworkVersion.id)
        .where(FrameworkVersion.mission_id == bindparam("mission_id"), FrameworkVersion.state == "published")
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    given = aliased(Indicator)
    has_value = (
        select(IndicatorValue.id)
        .join(given, IndicatorValue.indicator_id == given.id)
        .where(IndicatorValue.submission_id == bindparam("submission_id"), given.code == Indicator.code)
        .exists()
    )
    return (
        select(Indicator.code)
        .where(Indicator.version_id == version_id, Indicator.component_id == bindparam("component_id"), ~has_value)
        .order_by(Indicator.position, Indicator.id)
    )


def indicators_with_values(submission: Submission) -> list[tuple[Indicator, IndicatorValue | None]]:
    """The component's indicators, each with the submission's value or None: one statement."""
    version_id = _version_id(submission.cycle)
    if version_id is None:
        return []
    rows = db.session.execute(
        select(Indicator, IndicatorValue)
        .outerjoin(
            IndicatorValue,
            and_(IndicatorValue.indicator_id == Indicator.id, IndicatorValue.submission_id == submission.id),
        )
        .where(Indicator.version_id == version_id, Indicator.component_id == submission.component_id)
        .order_by(Indicator.position, Indicator.id)
    )
    return [(indicator, value) for indicator, value in rows]


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


# The publication rule. A cycle's values are *published* once leadership approved the assessment
# (the cycle left `leadership_signoff` by `approve`) and it has not been reopened (or cancelled)
# since. It is read from the audit trail, which every transition writes in its own transaction, so
# it holds for every version of the workflow a cycle may run on. Nothing else decides it.
APPROVAL = ("approve", "leadership_signoff")  # the trigger, and the state it leaves
UNPUBLISHING = ("reopen_for_correction", "cancel")  # triggers that take an approval back


def _last_cycle_event(*conditions) -> ColumnElement:
    return (
        select(func.max(AuditEvent.id))
        .where(AuditEvent.cycle_id == Cycle.id, AuditEvent.subject.startswith("cycle:"), *conditions)
        .correlate(Cycle)
        .scalar_subquery()
    )


def is_published_clause() -> ColumnElement[bool]:
    """The rule as a condition on `Cycle` (one query, usable in any select of cycles or values)."""
    approved = _last_cycle_event(AuditEvent.action == APPROVAL[0], AuditEvent.from_state == APPROVAL[1])
    withdrawn = _last_cycle_event(AuditEvent.action.in_(UNPUBLISHING))
    return and_(approved.is_not(None), or_(withdrawn.is_(None), withdrawn < approved))


def is_published(cycle: Cycle) -> bool:
    return db.session.scalar(select(Cycle.id).where(Cycle.id == cycle.id, is_published_clause())) is not None


def _first_approval_at() -> ColumnElement:
    return (
        select(func.min(AuditEvent.at))
        .where(
            AuditEvent.cycle_id == Cycle.id,
            AuditEvent.subject.startswith("cycle:"),
            AuditEvent.action == APPROVAL[0],
            AuditEvent.from_state == APPROVAL[1],
        )
        .correlate(Cycle)
        .scalar_subquery()
    )


def published_cycle_ids(mission: Mission) -> set[int]:
    """The mission's cycles whose values are published, in one statement (for lists of cycles)."""
    return set(db.session.scalars(select(Cycle.id).where(Cycle.mission_id == mission.id, is_published_clause())))


def first_published_at(cycle: Cycle) -> dt.datetime | None:
    """When leadership first approved the cycle's assessment (None: never)."""
    return db.session.scalar(select(_first_approval_at()).where(Cycle.id == cycle.id))


def corrected_at(mission: Mission) -> dict[tuple[int, int], dt.datetime]:
    """When each value changed last after its cycle was first published, by (submission, indicator)."""
    rows = db.session.execute(
        select(IndicatorValueChange.submission_id, IndicatorValueChange.indicator_id, func.max(IndicatorValueChange.at))
        .join(Submission, IndicatorValueChange.submission_id == Submission.id)
        .join(Cycle, Submission.cycle_id == Cycle.id)
        .where(Cycle.mission_id == mission.id, IndicatorValueChange.at > _first_approval_at())
        .group_by(IndicatorValueChange.submission_id, IndicatorValueChange.indicator_id)
    )
    return {(submission_id, indicator_id): at for submission_id, indicator_id, at in rows}


def last_submitted_at(submission: Submission) -> dt.datetime | None:
    """When the component's input was last submitted (None: never); values older than that were submitted."""
    return db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.cycle_id == submission.cycle_id,
            AuditEvent.subject.startswith(f"submission:{submission.id}:"),
            AuditEvent.action == "submit",
        )
    )


def value_changes(submission_ids: list[int]) -> dict[tuple[int, int], list[IndicatorValueChange]]:
    """The history of values changed after their first submission, by (submission, indicator), oldest first."""
    found: dict[tuple[int, int], list[IndicatorValueChange]] = {}
    if not submission_ids:
        return found
    rows = db.session.scalars(
        select(IndicatorValueChange)
        .where(IndicatorValueChange.submission_id.in_(submission_ids))
        .options(joinedload(IndicatorValueChange.indicator), joinedload(IndicatorValueChange.actor))
        .order_by(IndicatorValueChange.id)
    ).unique()
    for change in rows:
        found.setdefault((change.submission_id, change.indicator_id), []).append(change)
    return found


def mission_values(
    mission: Mission,
    *,
    period: str | None = None,
    cycle: Cycle | None = None,
    since: str | None = None,
    up_to: str | None = None,
    drafts: bool = False,
    draft_of: Cycle | None = None,
) -> list[IndicatorValue]:
    """The mission's *published* indicator values, ordered by period, indicator and component;
    narrowed to one period, one cycle or a span of periods (`since`, `up_to`) if asked. `drafts`
    adds the values of every cycle not published (cancelled ones left out); `draft_of` adds those of
    that one cycle only. Each value says whether it is published in `is_published`."""
    published = is_published_clause()
    query = (
        select(IndicatorValue, published)
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
    if not drafts:
        query = query.where(published if draft_of is None else or_(published, Cycle.id == draft_of.id))
    if period is not None:
        query = query.where(IndicatorValue.period == period)
    if cycle is not None:
        query = query.where(Submission.cycle_id == cycle.id)
    if since is not None:
        query = query.where(IndicatorValue.period >= since)
    if up_to is not None:
        query = query.where(IndicatorValue.period <= up_to)
    rows = []
    for value, flag in db.session.execute(query).unique():
        value.is_published = bool(flag)
        rows.append(value)
    return sorted(rows, key=lambda v: (v.period, v.indicator.position, v.indicator.code, v.component.code))


def history(
    mission: Mission, up_to_period: str, *, since: str | None = None, draft_of: Cycle | None = None
) -> dict[str, list[IndicatorValue]]:
    """Published values by indicator code, oldest period first, up to and including `up_to_period`
    (from `since` on, if given), read in one statement (periods like 2026-Q3 sort in time order as
    text); with `draft_of`, that cycle's own values too, published or not (its assessment shows
    them, marked as a draft)."""
    by_code: dict[str, list[IndicatorValue]] = {}
    for value in mission_values(mission, since=since, up_to=up_to_period, draft_of=draft_of):
        by_code.setdefault(value.indicator.code, []).append(value)
    return by_code


def _assessments(mission: Mission):
    """The mission's assessment cycles (cancelled ones left out), as a query to narrow."""
    return _assessments_of([mission.id])


def _assessments_of(mission_ids: list[int]):
    return (
        select(Cycle)
        .join(WorkflowDefinition, Cycle.definition_id == WorkflowDefinition.id)
        .where(
            Cycle.mission_id.in_(mission_ids),
            Cycle.state != "cancelled",
            WorkflowDefinition.name.in_(ASSESSMENT_WORKFLOWS),
        )
    )


def assessment_periods(mission: Mission, *, up_to: str, last: int) -> list[str]:
    """The `last` periods up to `up_to` (included, assessed or not) of the mission's assessments."""
    query = _assessments(mission).with_only_columns(Cycle.period).where(Cycle.period <= up_to).distinct()
    return sorted(set(db.session.scalars(query)) | {up_to})[-last:]


def cycle_for_period(mission: Mission, period: str) -> Cycle | None:
    """The mission's assessment of `period`, with what the factsheet and the HQ page show of it."""
    return cycles_for_period([mission], period).get(mission.id)


def cycles_for_period(missions: list[Mission], period: str) -> dict[int, Cycle]:
    """Each mission's assessment of `period` by mission id, read together (HQ compares them all)."""
    query = (
        _assessments_of([m.id for m in missions])
        .where(Cycle.period == period)
        .options(
            joinedload(Cycle.mission).selectinload(Mission.components),
            contains_eager(Cycle.definition),
            selectinload(Cycle.submissions),
            selectinload(Cycle.recommendations),
        )
        .order_by(Cycle.id)
    )
    found: dict[int, Cycle] = {}
    for cycle in db.session.scalars(query).unique():
        found.setdefault(cycle.mission_id, cycle)
    return found


def published_among(cycles: list[Cycle]) -> set[int]:
    """The ids of those of `cycles` whose values are published, in one statement."""
    if not cycles:
        return set()
    return set(db.session.scalars(select(Cycle.id).where(Cycle.id.in_([c.id for c in cycles]), is_published_clause())))


def versions_by_id(ids: set[int]) -> dict[int, FrameworkVersion]:
    """Framework versions with their whole tree, by id, read together."""
    if not ids:
        return {}
    query = select(FrameworkVersion).where(FrameworkVersion.id.in_(ids)).options(*version_tree())
    return {v.id: v for v in db.session.scalars(query).unique()}


def values_with_previous(submission: Submission) -> tuple[list[IndicatorValue], str | None, dict[str, IndicatorValue]]:
    """The submission's values, and the component's values of the period before (the latest earlier
    period it reported in, cancelled cycles left out) by indicator code: one statement for both."""
    earlier = (
        select(func.max(IndicatorValue.period))
        .join(Submission, IndicatorValue.submission_id == Submission.id)
        .join(Cycle, Submission.cycle_id == Cycle.id)
        .where(
            IndicatorValue.component_id == submission.component_id,
            IndicatorValue.period < submission.cycle.period,
            Cycle.state != "cancelled",
        )
        .scalar_subquery()
    )
    rows = db.session.scalars(
        select(IndicatorValue)
        .join(Indicator, IndicatorValue.indicator_id == Indicator.id)
        .join(Submission, IndicatorValue.submission_id == Submission.id)
        .join(Cycle, Submission.cycle_id == Cycle.id)
        .where(
            or_(
                IndicatorValue.submission_id == submission.id,
                and_(
                    IndicatorValue.component_id == submission.component_id,
                    IndicatorValue.period == earlier,
                    Cycle.state != "cancelled",
                ),
            )
        )
        .options(contains_eager(IndicatorValue.indicator))
        .order_by(Indicator.position, Indicator.code, IndicatorValue.id)
    ).all()
    saved = [v for v in rows if v.submission_id == submission.id]
    previous = [v for v in rows if v.submission_id != submission.id]
    return saved, (previous[0].period if previous else None), {v.indicator.code: v for v in previous}


def values_of_submissions(submission_ids: list[int]) -> dict[int, list[IndicatorValue]]:
    """The values of several submissions (a cycle's joint review, its sign-off), by submission: one statement."""
    found: dict[int, list[IndicatorValue]] = {i: [] for i in submission_ids}
    if not submission_ids:
        return found
    rows = db.session.scalars(
        select(IndicatorValue)
        .join(Indicator, IndicatorValue.indicator_id == Indicator.id)
        .where(IndicatorValue.submission_id.in_(submission_ids))
        .options(contains_eager(IndicatorValue.indicator))
        .order_by(Indicator.position, Indicator.code)
    )
    for value in rows:
        found[value.submission_id].append(value)
    return found
