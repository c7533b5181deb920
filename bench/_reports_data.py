"""A mission's results framework and its history at a chosen size, written with bulk inserts: the data
of `bench/reports.py`, and of the tests that check the reports read it in a bounded number of statements.

`build_mission("M1", components=15, indicators=100, quarters=20)` makes a mission with a published
framework (priorities → outcomes → outputs, indicators spread over the components and results) and one
quarterly assessment per quarter ending with `LAST_PERIOD`, each approved by leadership (so published),
with every component's endorsed input, a value for every indicator, and a few recommendations.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from cpas_workflow.accounts.models import RoleAssignment, User
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine import store
from cpas_workflow.extensions import db
from cpas_workflow.framework.models import FrameworkVersion, Indicator, IndicatorValue, Result, result_components
from cpas_workflow.missions.models import Component, Mission
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.submissions.models import Submission

LAST_PERIOD = "2026-Q3"
CREATED = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
KINDS = ("number", "percentage", "count", "yes_no", "level", "number", "percentage", "count")
RATINGS = ("on_track", "some_progress", "no_progress", "regression")
NARRATIVE = (
    "The component **{code}** made progress on its outputs this quarter: patrols, community meetings and "
    "training sessions were held as planned in most field offices, with delays in the north.\n\n"
    "- early-warning networks extended to {n} more localities\n- two joint assessments completed\n"
)


def periods(quarters: int, last: str = LAST_PERIOD) -> list[str]:
    """The `quarters` quarters ending with `last`, oldest first (2026-Q3, 2026-Q2, … reversed)."""
    year, quarter = int(last[:4]), int(last[-1])
    found = []
    for _ in range(quarters):
        found.append(f"{year}-Q{quarter}")
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return found[::-1]


def _user(email: str, name: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, notify="off", language="en", created_at=CREATED)
        db.session.add(user)
        db.session.flush()
    return user


def _value(kind: str, indicator: int, quarter: int) -> tuple[float | None, str | None]:
    wave = (indicator * 7 + quarter * 3) % 11
    if kind == "yes_no":
        return (1.0, "yes") if wave > 4 else (0.0, "no")
    if kind == "level":
        level = wave % 3 + 1
        return float(level), ("low", "medium", "high")[level - 1]
    if kind == "percentage":
        return round(20 + wave * 6.5, 1), None
    if kind == "count":
        return float(10 + wave * 4 + quarter), None
    return round(100 + wave * 12.5 + quarter * 2, 2), None


def build_mission(
    code: str, *, components: int = 15, indicators: int = 100, quarters: int = 20, users: dict | None = None
) -> dict:
    """Write the mission and its history; its id and the id of its last cycle (`LAST_PERIOD`)."""
    users = users or {"spu": _user("spu@bench.example", "Planner"), "lead": _user("lead@bench.example", "Head")}
    mission = Mission(code=code, name=f"Mission {code}", timezone="Africa/Bangui", created_at=CREATED)
    db.session.add(mission)
    db.session.flush()
    comps = [
        Component(mission_id=mission.id, code=f"C{c:02d}", name=f"Component {c}", kind="civilian", created_at=CREATED)
        for c in range(1, components + 1)
    ]
    db.session.add_all(comps)
    for user in users.values():
        role = "spu" if user.email.startswith("spu") else "leadership"
        db.session.add(RoleAssignment(user_id=user.id, role=role, mission_id=mission.id, created_at=CREATED))
    version = FrameworkVersion(
        mission_id=mission.id, number=1, state="published", published_at=CREATED, created_at=CREATED
    )
    db.session.add(version)
    db.session.flush()

    # priorities → outcomes (one per component, at least) → one output each
    n_outcomes = max(components, 3)
    n_priorities = max(n_outcomes // 3, 1)
    results: list[Result] = []
    priorities = [
        Result(version_id=version.id, level="priority", code=f"P{p}", title=f"Priority {p}", position=p)
        for p in range(1, n_priorities + 1)
    ]
    db.session.add_all(priorities)
    db.session.flush()
    outcomes, outputs = [], []
    for o in range(n_outcomes):
        outcome = Result(
            version_id=version.id,
            parent_id=priorities[o % n_priorities].id,
            level="outcome",
            code=f"O{o + 1}",
            title=f"Outcome {o + 1}: people in the area are protected",
            position=o,
        )
        outcomes.append(outcome)
    db.session.add_all(outcomes)
    db.session.flush()
    for o, outcome in enumerate(outcomes):
        outputs.append(
            Result(
                version_id=version.id,
                parent_id=outcome.id,
                level="output",
                code=f"O{o + 1}.1",
                title=f"Output {o + 1}.1: services delivered",
                position=o,
            )
        )
    db.session.add_all(outputs)
    db.session.flush()
    results = priorities + outcomes + outputs
    links = set()
    for i, result in enumerate(results):
        for k in range(2 if result.level != "priority" else 3):
            links.add((result.id, comps[(i + k) % components].id))
    db.session.execute(insert(result_components), [{"result_id": r, "component_id": c} for r, c in sorted(links)])

    indicator_rows = []
    for i in range(indicators):
        kind = KINDS[i % len(KINDS)]
        holder = (outcomes + outputs)[i % (2 * n_outcomes)]
        indicator_rows.append(
            {
                "version_id": version.id,
                "result_id": holder.id,
                "component_id": comps[i % components].id,
                "code": f"I{i + 1:03d}",
                "title": f"Indicator {i + 1}: incidents of violence against civilians recorded",
                "definition": "Counted from the mission's incident database.",
                "unit": {"percentage": "%", "count": "incidents"}.get(kind, ""),
                "kind": kind,
                "levels": "low|medium|high" if kind == "level" else "",
                "direction": "lower" if i % 3 == 0 else "higher",
                "baseline_value": {"yes_no": "no", "level": "low"}.get(kind, "50"),
                "target_value": {"yes_no": "yes", "level": "high", "percentage": "80"}.get(kind, "120"),
                "data_source": "Mission incident database",
                "frequency": "quarterly",
                "is_headline": i < 6,
                "position": i,
            }
        )
    db.session.execute(insert(Indicator), indicator_rows)
    indicator_list = db.session.execute(
        select(Indicator.id, Indicator.component_id, Indicator.kind)
        .where(Indicator.version_id == version.id)
        .order_by(Indicator.position)
    ).all()

    definition = store.register(store.current_definition("quarterly_assessment"))
    child = store.register(store.current_definition("component_submission"))
    all_periods = periods(quarters)
    cycle_rows = []
    for q, period in enumerate(all_periods):
        is_last = period == all_periods[-1]
        year, quarter = int(period[:4]), int(period[-1])
        cycle_rows.append(
            {
                "mission_id": mission.id,
                "definition_id": definition.id,
                "submission_definition_id": child.id,
                "period": period,
                "title": f"{code} {period} quarterly performance assessment",
                "state": "followup" if is_last else "closed",
                "version": 1,
                "input_due": dt.date(year + quarter // 4, quarter % 4 * 3 + 1, 15),
                "created_by_id": users["spu"].id,
                "state_entered_at": CREATED + dt.timedelta(days=91 * q + 60),
                "closed_at": None if is_last else CREATED + dt.timedelta(days=91 * q + 80),
                "framework_version_id": version.id,
                "created_at": CREATED + dt.timedelta(days=91 * q),
            }
        )
    db.session.execute(insert(Cycle), cycle_rows)
    cycles = db.session.execute(
        select(Cycle.id, Cycle.period).where(Cycle.mission_id == mission.id).order_by(Cycle.period)
    ).all()

    submission_rows = [
        {
            "cycle_id": cycle_id,
            "component_id": comp.id,
            "state": "endorsed",
            "version": 3,
            "due": CREATED.date(),
            "is_required": True,
            "narrative": NARRATIVE.format(code=comp.code, n=q + c),
            "rating": RATINGS[(q + c) % len(RATINGS)],
            "created_at": CREATED + dt.timedelta(days=91 * q),
        }
        for q, (cycle_id, _) in enumerate(cycles)
        for c, comp in enumerate(comps)
    ]
    db.session.execute(insert(Submission), submission_rows)
    submission_of = {
        (cycle_id, component_id): sid
        for sid, cycle_id, component_id in db.session.execute(
            select(Submission.id, Submission.cycle_id, Submission.component_id).where(
                Submission.cycle_id.in_([c.id for c in cycles])
            )
        )
    }
    value_rows = []
    for q, (cycle_id, period) in enumerate(cycles):
        for i, (indicator_id, component_id, kind) in enumerate(indicator_list):
            number, text = _value(kind, i, q)
            no_data = "Survey not run this quarter." if (i + q) % 17 == 0 else None
            value_rows.append(
                {
                    "submission_id": submission_of[(cycle_id, component_id)],
                    "indicator_id": indicator_id,
                    "component_id": component_id,
                    "period": period,
                    "value_number": None if no_data else number,
                    "value_text": None if no_data else text,
                    "note": "",
                    "no_data_reason": no_data,
                    "created_at": CREATED + dt.timedelta(days=91 * q + 10),
                }
            )
    for start in range(0, len(value_rows), 5000):
        db.session.execute(insert(IndicatorValue), value_rows[start : start + 5000])

    recommendation_rows, audit_rows = [], []
    for q, (cycle_id, period) in enumerate(cycles):
        at = CREATED + dt.timedelta(days=91 * q)
        for r in range(5):
            recommendation_rows.append(
                {
                    "cycle_id": cycle_id,
                    "component_id": comps[(q + r) % components].id,
                    "title": f"Recommendation {r + 1} of {period}",
                    "body": "Extend the **early-warning** network to the remaining localities.",
                    "due": (at + dt.timedelta(days=180)).date(),
                    "decision": ("approved", "amended", "rejected")[r % 3],
                    "decided_at": at + dt.timedelta(days=75),
                    "status": "done" if r % 3 != 2 else None,
                    "owner_id": None,
                    "created_by_id": users["spu"].id,
                    "version": 2,
                    "created_at": at + dt.timedelta(days=65),
                }
            )
        steps = [
            ("start_cycle", None, "draft_plan", "spu", 0),
            ("open_input", "draft_plan", "component_input", "spu", 1),
            ("start_review", "component_input", "joint_review", "spu", 50),
            ("submit_for_signoff", "joint_review", "leadership_signoff", "spu", 65),
            ("approve", "leadership_signoff", "followup", "lead", 75),
        ]
        if period != all_periods[-1]:
            steps.append(("close", "followup", "closed", "spu", 80))
        for action, source, dest, who, day in steps:
            audit_rows.append(
                {
                    "at": at + dt.timedelta(days=day),
                    "actor_id": users[who].id,
                    "mission_id": mission.id,
                    "cycle_id": cycle_id,
                    "action": action,
                    "subject": f"cycle:{cycle_id}",
                    "from_state": source,
                    "to_state": dest,
                }
            )
    db.session.execute(insert(Recommendation), recommendation_rows)
    db.session.execute(insert(AuditEvent), audit_rows)
    db.session.flush()
    return {"mission_id": mission.id, "cycle_id": cycles[-1].id, "period": all_periods[-1], "users": users}
