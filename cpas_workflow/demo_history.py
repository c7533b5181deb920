"""The demo mission's history: a published results framework and four closed quarterly cycles
(2025-Q4 to 2026-Q3) with indicator values, ratings, narratives and recommendations.

Everything goes through the real operations with the clock set back to when it would have happened,
so the audit trail, tasks and states are what a real mission would have. Each step looks first:
loading twice changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

from cpas_workflow.accounts.operations import find_user
from cpas_workflow.core import clock
from cpas_workflow.cycles import operations as cycles
from cpas_workflow.framework import operations as framework
from cpas_workflow.framework import queries
from cpas_workflow.framework.imports import COLUMNS
from cpas_workflow.recommendations import operations as recommendations
from cpas_workflow.submissions import operations as submissions

COMPONENTS = ("CIV", "MIL", "POL")
P, OC, OP = "priority", "outcome", "output"
# type, code, parent, title, components / responsible, kind, unit, levels, direction, baseline, target, headline
FRAMEWORK = [
    (P, "P1", "", "Civilians are protected from physical violence", "CIV, MIL, POL"),
    (OC, "O1.1", "P1", "Violence against civilians falls in the priority areas", "MIL, POL, CIV"),
    (
        "indicator",
        "MIL-1",
        "O1.1",
        "Incidents of violence against civilians recorded",
        "MIL",
        "count",
        "incidents",
        "",
        "lower",
        "120",
        "60",
        "yes",
    ),
    (
        "indicator",
        "POL-1",
        "O1.1",
        "Reported crimes investigated by the national police",
        "POL",
        "percentage",
        "%",
        "",
        "higher",
        "35",
        "60",
        "yes",
    ),
    (OP, "OP1.1.1", "O1.1", "Long-range patrols reach the hotspots", "MIL"),
    (
        "indicator",
        "MIL-2",
        "OP1.1.1",
        "Long-range patrols conducted",
        "MIL",
        "count",
        "patrols",
        "",
        "higher",
        "40",
        "90",
        "",
    ),
    (OP, "OP1.1.2", "O1.1", "Communities run alert networks", "CIV"),
    (
        "indicator",
        "CIV-1",
        "OP1.1.2",
        "Community alert networks functioning",
        "CIV",
        "count",
        "networks",
        "",
        "higher",
        "12",
        "30",
        "",
    ),
    (OC, "O1.2", "P1", "Human rights violations are documented and followed up", "CIV"),
    (
        "indicator",
        "CIV-2",
        "O1.2",
        "Alleged violations verified within 30 days",
        "CIV",
        "percentage",
        "%",
        "",
        "higher",
        "50",
        "80",
        "yes",
    ),
    (
        "indicator",
        "CIV-3",
        "O1.2",
        "Early-warning mechanism endorsed by local authorities",
        "CIV",
        "yes_no",
        "",
        "",
        "higher",
        "no",
        "yes",
        "",
    ),
    (P, "P2", "", "State authority is extended and the security sector reformed", "CIV, MIL, POL"),
    (OC, "O2.1", "P2", "State administration and police work outside the capital", "CIV, POL"),
    (
        "indicator",
        "CIV-4",
        "O2.1",
        "Prefectures with a functioning administration",
        "CIV",
        "count",
        "prefectures",
        "",
        "higher",
        "8",
        "16",
        "yes",
    ),
    (
        "indicator",
        "POL-2",
        "O2.1",
        "National police officers deployed outside the capital",
        "POL",
        "number",
        "officers",
        "",
        "higher",
        "900",
        "1500",
        "",
    ),
    (
        "indicator",
        "POL-3",
        "O2.1",
        "Public confidence in the police (perception survey)",
        "POL",
        "level",
        "",
        "Low|Medium|High",
        "higher",
        "Low",
        "High",
        "",
    ),
    (OP, "OP2.1.1", "O2.1", "National police trained in community policing", "POL"),
    (
        "indicator",
        "POL-4",
        "OP2.1.1",
        "Officers trained in community policing",
        "POL",
        "count",
        "officers",
        "",
        "higher",
        "0",
        "600",
        "",
    ),
    (OC, "O2.2", "P2", "Main supply routes are free of armed-group checkpoints", "MIL"),
    (
        "indicator",
        "MIL-3",
        "O2.2",
        "Days with an armed-group checkpoint on the main supply route",
        "MIL",
        "number",
        "days",
        "",
        "lower",
        "45",
        "10",
        "yes",
    ),
    (
        "indicator",
        "MIL-4",
        "O2.2",
        "Joint operations with the national armed forces",
        "MIL",
        "count",
        "operations",
        "",
        "higher",
        "2",
        "10",
        "",
    ),
]
PERIODS = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
# Values per period, oldest first; None is "no data" (with the reason below).
VALUES = {
    "MIL-1": (104, 97, 81, 72),
    "POL-1": (38, 41, 47, 52),
    "MIL-2": (48, 55, 63, 71),
    "CIV-1": (14, 17, 21, 24),
    "CIV-2": (55, 61, 58, 67),
    "CIV-3": (False, False, True, True),
    "CIV-4": (9, 10, 12, 13),
    "POL-2": (None, 1040, 1130, 1210),
    "POL-3": ("Low", "Low", "Medium", "Medium"),
    "POL-4": (80, 210, 340, 455),
    "MIL-3": (41, 36, 38, 24),
    "MIL-4": (3, 4, 6, 7),
}
NO_DATA = "The deployment census was not carried out this quarter (elections security plan)."
RATINGS = {
    "CIV": ("some_progress", "some_progress", "on_track", "on_track"),
    "MIL": ("no_progress", "some_progress", "regression", "on_track"),
    "POL": ("some_progress", "some_progress", "some_progress", "on_track"),
}
NARRATIVES = {
    "CIV": "Civil Affairs and Human Rights extended the alert networks to {n} communities. Verification of alleged "
    "violations improved; the **early-warning mechanism** remains the main gap in {period}.",
    "MIL": "The Force increased long-range patrols and joint operations. Armed-group checkpoints on the main supply "
    "route {trend} over {period}.",
    "POL": "UNPOL co-located with national police in the prefectures and trained further cohorts in community "
    "policing during {period}.",
}
RECOMMENDATIONS = [
    ("Extend community alert networks to the western prefectures", "CIV", "approve"),
    ("Put a joint patrol base on the main supply route", "MIL", "amend"),
    ("Co-locate UNPOL advisers in the remaining police stations", "POL", "approve"),
    ("Publish the quarterly human rights report jointly with the government", "CIV", "approve"),
]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _sheet() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in FRAMEWORK:
        cells = dict.fromkeys(COLUMNS, "")
        if row[0] == "indicator":
            (
                cells["type"],
                cells["code"],
                cells["parent"],
                cells["title"],
                cells["responsible"],
                cells["kind"],
                cells["unit"],
                cells["levels"],
                cells["direction"],
                cells["baseline"],
                cells["target"],
                cells["headline"],
            ) = row
            cells.update(
                baseline_date="2025-06-30",
                target_date="2027-06-30",
                frequency="quarterly",
                data_source=f"{row[4]} monthly reports",
                definition=f"{row[3]}, counted over the quarter.",
            )
        else:
            cells["type"], cells["code"], cells["parent"], cells["title"], cells["components"] = row
        writer.writerow([cells[c] for c in COLUMNS])
    return out.getvalue().encode()


def _users() -> dict[str, object]:
    emails = {"spu": "spu@demo.example", "lead": "lead@demo.example"}
    for code in COMPONENTS:
        emails[f"{code}.fp"] = f"{code.lower()}.fp@demo.example"
        emails[f"{code}.head"] = f"{code.lower()}.head@demo.example"
    return {key: find_user(email) for key, email in emails.items()}


def _pass_input(cycle, users, values_for=None, index: int = 0) -> None:
    for submission in cycle.submissions:
        code = submission.component.code
        changes = submissions.SubmissionChanges(
            narrative=f"{code} input for the {cycle.period} mission plan.", rating="not_assessed"
        )
        if values_for is not None:
            period = cycle.period
            changes = submissions.SubmissionChanges(
                narrative=NARRATIVES[code].format(
                    n=VALUES["CIV-1"][index],
                    period=period,
                    trend="fell" if VALUES["MIL-3"][index] < 40 else "persisted",
                ),
                rating=RATINGS[code][index],
                indicator_values=values_for(code, index),
            )
        submissions.update_submission(submission, changes, users[f"{code}.fp"])
        submissions.fire_submission_trigger(submission, "submit", users[f"{code}.fp"])
        submissions.fire_submission_trigger(submission, "endorse", users[f"{code}.head"])


def _load_framework(mission, users) -> None:
    start = dt.date(2025, 8, 18)
    with clock.frozen(_at(start)):
        plan = cycles.start_cycle(
            mission,
            cycles.CycleDraft(
                workflow="mission_plan",
                period="2025",
                input_due=dt.date(2025, 9, 1),
                components=list(COMPONENTS),
                title=f"{mission.code} mission plan 2025-2027",
            ),
            users["spu"],
        )
        framework.import_framework(mission, "demo-framework.csv", _sheet(), users["spu"])
        cycles.fire_cycle_trigger(plan, "open_input", users["spu"])
    with clock.frozen(_at(dt.date(2025, 8, 28))):
        _pass_input(plan, users)
    with clock.frozen(_at(dt.date(2025, 9, 2))):
        cycles.fire_cycle_trigger(plan, "start_review", users["spu"])
    with clock.frozen(_at(dt.date(2025, 9, 10))):
        cycles.fire_cycle_trigger(plan, "submit_for_signoff", users["spu"])
    with clock.frozen(_at(dt.date(2025, 9, 15))):
        cycles.fire_cycle_trigger(plan, "publish", users["lead"], comment="Plan and results framework approved.")


def _values(code: str, index: int) -> list[dict]:
    items = []
    for row in FRAMEWORK:
        if row[0] != "indicator" or row[4] != code:
            continue
        value = VALUES[row[1]][index]
        item = {"indicator": row[1], "value": value, "note": f"{code} reporting, {PERIODS[index]}"}
        if value is None:
            item.update(note=None, no_data_reason=NO_DATA)
        items.append(item)
    return items


def _quarter(mission, users, index: int) -> None:
    period = PERIODS[index]
    year, quarter = int(period[:4]), int(period[-1])
    end = dt.date(year + quarter * 3 // 12, quarter * 3 % 12 + 1, 1) - dt.timedelta(days=1)
    day = end - dt.timedelta(days=14)
    with clock.frozen(_at(day)):
        cycle = cycles.start_cycle(
            mission,
            cycles.CycleDraft(
                workflow="quarterly_assessment",
                period=period,
                input_due=end - dt.timedelta(days=7),
                components=list(COMPONENTS),
            ),
            users["spu"],
        )
        cycles.fire_cycle_trigger(cycle, "open_input", users["spu"])
    with clock.frozen(_at(end - dt.timedelta(days=8))):
        _pass_input(cycle, users, _values, index)
    with clock.frozen(_at(end - dt.timedelta(days=6))):
        cycles.fire_cycle_trigger(cycle, "start_review", users["spu"])
        title, component, decision = RECOMMENDATIONS[index]
        recommendation = recommendations.draft_recommendation(
            cycle,
            recommendations.RecommendationDraft(
                title=title,
                body=f"{title}, building on the {period} joint review.",
                component=component,
                due=end + dt.timedelta(days=60),
            ),
            users["spu"],
        )
        cycles.fire_cycle_trigger(cycle, "submit_for_signoff", users["spu"])
    with clock.frozen(_at(end - dt.timedelta(days=4))):
        body = f"{title}, in two phases, starting with the most affected areas." if decision == "amend" else None
        recommendations.decide_recommendation(
            recommendation, decision, users["lead"], comment="Agreed at the senior management meeting.", body=body
        )
        cycles.fire_cycle_trigger(cycle, "approve", users["lead"], comment=f"{period} assessment signed off.")
    with clock.frozen(_at(end - dt.timedelta(days=2))):
        recommendations.add_update(
            recommendation,
            "in_progress",
            "Work plan agreed with the national counterparts.",
            users[f"{component}.head"],
        )
    with clock.frozen(_at(end - dt.timedelta(days=1))):
        recommendations.add_update(
            recommendation, "done", "Completed; see the component's monthly report.", users[f"{component}.head"]
        )
        cycles.fire_cycle_trigger(cycle, "close", users["spu"])


def load(mission) -> bool:
    """Add the demo history to `mission`; True if anything was created."""
    from cpas_workflow.missions.queries import mission_by_code

    mission = mission_by_code(mission.code)  # with its components, whatever loaded it
    users = _users()
    if any(u is None for u in users.values()):
        return False
    changed = False
    if queries.published_version(mission, tree=False) is None:
        _load_framework(mission, users)
        changed = True
    for index, period in enumerate(PERIODS):
        if queries.cycle_for_period(mission, period) is None:
            _quarter(mission, users, index)
            changed = True
    return changed
