"""What the assessment page, the printable report, the factsheet and the HQ comparison show:
built once here from the data, rendered by templates (HTML) and WeasyPrint (PDF)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import gettext as _

from cpas_workflow.core import clock, timezones
from cpas_workflow.core.text import N_
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.framework import charts, queries
from cpas_workflow.framework import status as status_words
from cpas_workflow.framework.models import FrameworkVersion, Indicator, IndicatorValue, Result
from cpas_workflow.framework.values import display, number_of
from cpas_workflow.missions.models import Mission

# English msgids; templates translate them with _(...) in the reader's language.
RATING_LABELS = {
    "on_track": N_("On track"),
    "some_progress": N_("Some progress"),
    "no_progress": N_("No progress"),
    "regression": N_("Regression"),
    "not_assessed": N_("Not assessed"),
    None: N_("Not rated"),
}
# An indicator's status stays an English code (the summary counts them); templates show _(status)
# ("reported" as _("value reported"): the bare word is the plural figure of the summary).
STATUSES = status_words.STATUSES
# The indicator kinds as words (a chart's axis, the framework pages show _(kind with "/" for "_")).
AXIS_WORDS = {
    "number": N_("number"),
    "percentage": N_("percentage"),
    "count": N_("count"),
    "yes_no": N_("yes/no"),
    "level": N_("level"),
}
RATING_ORDER = ("regression", "no_progress", "some_progress", "on_track")
TREND_PERIODS = 6


@dataclass
class IndicatorRow:
    indicator: Indicator
    result: Result
    current: IndicatorValue | None
    baseline: str
    target: str
    status: str
    chart: str
    table: list[tuple[str, str, str]] = field(default_factory=list)  # (period, component, value shown)
    corrected_on: dt.date | None = None  # the current value changed after it was first published
    change: status_words.Change | None = None  # since the previous period
    change_shown: str = ""  # '↓ 10 since 2026-Q2 (worse)'
    progress_shown: str = ""  # '62 % of the way to target'

    @property
    def value_shown(self) -> str:
        if self.current is None:
            return _("not reported")
        if self.current.no_data_reason is not None:
            return _("no data")
        return show(self.indicator, self.current)


@dataclass
class OutcomeBlock:
    priority: Result
    outcome: Result
    contributions: list[tuple[str, str | None, str]]  # (component code, rating, narrative)
    indicators: list[IndicatorRow]


def show(indicator: Indicator, value: IndicatorValue) -> str:
    if indicator.kind == "yes_no" and value.value_text in ("yes", "no"):
        return _(value.value_text)
    return display(indicator.kind, value.value_number, value.value_text, indicator.unit)


def shown_level(indicator: Indicator, text: str | None) -> str:
    if not text:
        return "—"
    number = number_of(indicator.kind, indicator.allowed_levels, text)
    if indicator.kind == "yes_no" and text in ("yes", "no"):
        return _(text)
    if indicator.kind in ("yes_no", "level"):
        return text
    return display(indicator.kind, number, None, indicator.unit)


status = status_words.status


def trend_chart(
    indicator: Indicator, periods: list[str], history: list[IndicatorValue], *, small: bool = False
) -> charts.TrendChart:
    levels = indicator.allowed_levels
    by_component: dict[str, dict[str, float | None]] = {}
    for value in history:
        by_component.setdefault(value.component.code, {})[value.period] = (
            value.value_number if value.no_data_reason is None else None
        )
    series = [charts.Series(code, [points.get(p) for p in periods]) for code, points in sorted(by_component.items())]
    chart = charts.TrendChart(
        title=f"{indicator.code} {indicator.title}",
        periods=periods,
        series=series or [charts.Series(indicator.component.code, [None] * len(periods))],
        y_label=(indicator.unit or _(AXIS_WORDS.get(indicator.kind, indicator.kind)))[:24],
        baseline=number_of(indicator.kind, levels, indicator.baseline_value),
        target=number_of(indicator.kind, levels, indicator.target_value),
    )
    if indicator.kind == "percentage":
        chart.y_min, chart.y_max = 0, 100
    elif indicator.kind == "yes_no":
        chart.y_min, chart.y_max, chart.tick_labels = -0.1, 1.1, {0.0: _("no"), 1.0: _("yes")}
    elif indicator.kind == "level":
        chart.y_min, chart.y_max = 0.5, len(levels) + 0.5
        chart.tick_labels = {float(i + 1): name for i, name in enumerate(levels)}
    if small:
        chart.width, chart.height = 300, 180
    return chart


@dataclass
class Trends:
    """What every indicator row of one report needs, read once per request whatever the number of
    outcomes or indicators: the trend's periods, and their values by indicator code."""

    cycle: Cycle
    periods: list[str]
    values: dict[str, list[IndicatorValue]]
    corrected: dict[tuple[int, int], dt.datetime]  # when a published value was last corrected


def trends(cycle: Cycle, *, with_draft: bool = False) -> Trends:
    """The last TREND_PERIODS assessed periods up to the cycle's, their published values (and with
    `with_draft` the cycle's own values when not yet published), and which were corrected: three
    statements, whatever the size of the framework or the history."""
    periods = queries.assessment_periods(cycle.mission, up_to=cycle.period, last=TREND_PERIODS)
    values = queries.history(cycle.mission, cycle.period, since=periods[0], draft_of=cycle if with_draft else None)
    return Trends(cycle, periods, values, queries.corrected_at(cycle.mission))


def indicator_rows(
    trend: Trends, indicators: list[Indicator], *, small: bool = False, charted: bool = True
) -> list[IndicatorRow]:
    """One row per indicator from data already read (`charted=False`: figures only, for summaries)."""
    rows = []
    for indicator in indicators:
        past = [v for v in trend.values.get(indicator.code, []) if v.period in trend.periods]
        current = next((v for v in past if v.period == trend.cycle.period), None)
        change = status_words.change(indicator, current, past)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                result=indicator.result,
                current=current,
                baseline=shown_level(indicator, indicator.baseline_value),
                target=shown_level(indicator, indicator.target_value),
                status=status(indicator, current),
                chart=charts.render(trend_chart(indicator, trend.periods, past, small=small)) if charted else "",
                table=[
                    (v.period, v.component.code, _("no data") if v.no_data_reason is not None else show(indicator, v))
                    for v in past
                ],
                corrected_on=_corrected_on(trend.cycle, current, trend.corrected),
                change=change,
                change_shown=status_words.change_words(indicator, change),
                progress_shown=status_words.progress_words(status_words.progress(indicator, current)),
            )
        )
    return rows


def _shown_side(indicator: Indicator, number, text, no_data_reason) -> str:
    if no_data_reason is not None:
        return _("no data")
    if number is None and text is None:
        return _("removed")
    return display(indicator.kind, number, text, indicator.unit)


def value_history(submission_ids: list[int]) -> dict[tuple[int, int], list[dict]]:
    """Each value's changes after its first submission, by (submission, indicator), in the reader's words."""
    return {
        key: [
            {
                "at": c.at,
                "actor": c.actor.name if c.actor else "",
                "old": _shown_side(c.indicator, c.old_number, c.old_text, c.old_no_data_reason),
                "new": _shown_side(c.indicator, c.new_number, c.new_text, c.new_no_data_reason),
                "reason": c.reason,
            }
            for c in changes
        ]
        for key, changes in queries.value_changes(submission_ids).items()
    }


def _corrected_on(cycle: Cycle, value: IndicatorValue | None, corrected: dict) -> dt.date | None:
    at = None if value is None else corrected.get((value.submission_id, value.indicator_id))
    return None if at is None else timezones.local_date(at, cycle.mission.timezone)


class Tree:
    """A framework version's results and indicators by parent, from the lists read with the version
    (walking `children` would read each result's children in a statement of its own)."""

    def __init__(self, version: FrameworkVersion) -> None:
        self.children: dict[int | None, list[Result]] = {}
        for result in version.results:
            self.children.setdefault(result.parent_id, []).append(result)
        self.indicators: dict[int, list[Indicator]] = {}
        for indicator in version.indicators:
            self.indicators.setdefault(indicator.result_id, []).append(indicator)

    def priorities(self) -> list[Result]:
        return [r for r in self.children.get(None, []) if r.level == "priority"]

    def children_of(self, result: Result) -> list[Result]:
        return self.children.get(result.id, [])

    def indicators_under(self, outcome: Result) -> list[Indicator]:
        found = list(self.indicators.get(outcome.id, []))
        for output in self.children_of(outcome):
            found += self.indicators.get(output.id, [])
        return found


def assessment(cycle: Cycle) -> dict:
    """The consolidated assessment of a cycle: per outcome the components' ratings and narratives,
    the indicators against baseline and target with their trends; then the recommendations."""
    version: FrameworkVersion | None = queries.version_for_cycle(cycle)
    submissions = {s.component.code: s for s in cycle.submissions}
    blocks: list[OutcomeBlock] = []
    if version is not None:
        trend, tree = trends(cycle, with_draft=True), Tree(version)
        for priority in tree.priorities():
            for outcome in tree.children_of(priority):
                contributions = [
                    (code, submissions[code].rating, submissions[code].narrative)
                    for code in outcome.component_codes
                    if code in submissions
                ]
                rows = indicator_rows(trend, tree.indicators_under(outcome))
                blocks.append(OutcomeBlock(priority, outcome, contributions, rows))
    all_rows = [r for b in blocks for r in b.indicators]
    return {
        "cycle": cycle,
        "is_draft": not queries.is_published(cycle),
        "first_published_at": queries.first_published_at(cycle),
        "version": version,
        "blocks": blocks,
        "submissions": list(cycle.submissions),
        "recommendations": list(cycle.recommendations),
        "evidence": evidence(cycle),
        "summary": summary(all_rows, list(cycle.submissions)),
        "rating_labels": RATING_LABELS,
        "generated_at": clock.now(),
    }


def evidence(cycle: Cycle) -> list[tuple[str, list]]:
    """The files attached to the cycle's input and actions, by what they are attached to: the report
    names them (the files themselves stay in the application)."""
    from cpas_workflow.evidence.operations import attachments_of_cycle

    components = {s.id: s.component for s in cycle.submissions}
    recommendations = {r.id: r for r in cycle.recommendations}
    groups: dict[str, list] = {}
    for attachment in attachments_of_cycle(cycle.id):
        if attachment.submission_id is not None:
            component = components.get(attachment.submission_id)
            where = f"{component.code} — {component.name}" if component else ""
        else:
            recommendation = recommendations.get(attachment.recommendation_id)
            where = recommendation.title if recommendation else ""
        groups.setdefault(where, []).append(attachment)
    return list(groups.items())


def summary(rows: list[IndicatorRow], submissions) -> dict:
    """The headline numbers of a report (the tests check them against the data)."""
    statuses = [r.status for r in rows]
    ratings: dict[str, int] = {}
    for s in submissions:
        ratings[s.rating or "unrated"] = ratings.get(s.rating or "unrated", 0) + 1
    return {
        "indicators": len(rows),
        "reported": sum(1 for r in rows if r.current is not None and r.current.no_data_reason is None),
        "no_data": sum(1 for r in rows if r.current is not None and r.current.no_data_reason is not None),
        "target_met": statuses.count(status_words.TARGET_MET),
        "better_than_baseline": statuses.count(status_words.BETTER),
        "worse_than_baseline": statuses.count(status_words.WORSE),
        "worse_than_previous": sum(1 for r in rows if r.change is not None and r.change.judgement == "worse"),
        "ratings": ratings,
    }


def factsheet(mission: Mission, period: str) -> dict:
    """One page for a period: headline indicators with trends, the components' ratings."""
    cycle = queries.cycle_for_period(mission, period)
    if cycle is None or not queries.is_published(cycle):
        return {
            "mission": mission,
            "period": period,
            "cycle": cycle,
            "is_published": False,
            "rows": [],
            "submissions": [],
            "rating_labels": RATING_LABELS,
            "generated_at": clock.now(),
        }
    version = queries.version_for_cycle(cycle)
    indicators = [] if version is None else [i for i in version.indicators if i.is_headline] or list(version.indicators)
    trend = trends(cycle)
    rows = indicator_rows(trend, indicators[:6], small=True)
    return {
        "mission": mission,
        "period": period,
        "cycle": cycle,
        "is_published": True,
        "rows": rows,
        "submissions": list(cycle.submissions),
        "summary": summary(
            indicator_rows(trend, list(version.indicators), charted=False) if version else [], list(cycle.submissions)
        ),
        "rating_labels": RATING_LABELS,
        "recommendations": [r for r in cycle.recommendations if r.is_action],
        "generated_at": clock.now(),
    }


def priority_ratings(
    cycle: Cycle, version: FrameworkVersion | None
) -> list[tuple[Result, list[tuple[str, str | None]]]]:
    """For each priority of `version` (the cycle's), the ratings of the components contributing to its outcomes."""
    if version is None:
        return []
    ratings = {s.component.code: s.rating for s in cycle.submissions}
    found, tree = [], Tree(version)
    for priority in tree.priorities():
        codes = sorted(
            {c for outcome in tree.children_of(priority) for c in outcome.component_codes}
            | set(priority.component_codes)
        )
        found.append((priority, [(c, ratings.get(c)) for c in codes if c in ratings]))
    return found


def lateness(mission: Mission, cycle: Cycle | None, period: str) -> str | None:
    """Why a mission's assessment of `period` is late, or None when it is not."""
    today = clock.today()
    if cycle is None:
        end = period_end(period)
        if end is None or today <= end:
            return None
        return _("no assessment started (%(period)s ended %(date)s)", period=period, date=format_date(end))
    if cycle.state in ("draft_plan", "component_input") and cycle.input_due < today:
        missing = [s.component.code for s in cycle.submissions if s.state not in ("submitted", "endorsed")]
        if missing:
            return _(
                "input was due %(date)s; missing: %(components)s",
                date=format_date(cycle.input_due),
                components=", ".join(missing),
            )
        return _("input was due %(date)s", date=format_date(cycle.input_due))
    return None


def period_end(period: str):
    import datetime as dt

    try:
        year = int(period[:4])
        if "-Q" in period:
            quarter = int(period[-1])
            month = quarter * 3
        elif "-H" in period:
            month = int(period[-1]) * 6
        elif len(period) == 7:
            month = int(period[5:7])
        else:
            month = 12
        first_next = dt.date(year + month // 12, month % 12 + 1, 1)
        return first_next - dt.timedelta(days=1)
    except (ValueError, IndexError):
        return None


def comparison(missions: list[Mission], period: str) -> list[dict]:
    """HQ's view: missions side by side for one period. The cycles, which are published and their
    frameworks are each read once for all the missions."""
    cycles = queries.cycles_for_period(missions, period)
    published = queries.published_among(list(cycles.values()))
    versions = queries.versions_by_id({c.framework_version_id for c in cycles.values() if c.id in published})
    rows = []
    for mission in missions:
        cycle = cycles.get(mission.id)
        is_published = cycle is not None and cycle.id in published
        if is_published:
            version = versions.get(cycle.framework_version_id) or queries.version_for_cycle(cycle)
        rows.append(
            {
                "mission": mission,
                "cycle": cycle,
                "is_published": is_published,
                "priorities": priority_ratings(cycle, version) if is_published else [],
                "late": lateness(mission, cycle, period),
            }
        )
    return rows
