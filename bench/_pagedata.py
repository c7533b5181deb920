"""A department's worth of data for the page benchmarks: 50 missions, 5,000 users, 100,000 tasks.

Each mission has 8 components, 100 people (3 SPU, 3 leadership, 10 viewers, 2 focal points and a
head per component, the rest viewers), 16 quarterly cycles of history (closed), one in follow-up
and one taking input; per cycle a submission per component with a narrative and comments, 10
recommendations (7 approved, with dated updates), about 40 audit events, and 2,000 tasks per
mission, most of them closed. One focal point (`heavy@m00.example`, CIV of M00) holds 470 open tasks.

Rows go in with bulk INSERTs (Core, executemany). A SQLite file is kept in the temp folder under a
name carrying GENERATOR_VERSION and reused by later runs; raise the version when the data changes.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, insert, select

from cpas_workflow.accounts.models import RoleAssignment, User
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine import store
from cpas_workflow.engine.models import WorkflowDefinition
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission
from cpas_workflow.recommendations.models import Recommendation, RecommendationUpdate
from cpas_workflow.submissions.models import Submission, SubmissionComment
from cpas_workflow.tasks.models import Task

GENERATOR_VERSION = 1
MISSIONS = 50
USERS_PER_MISSION = 100
COMPONENTS = ("CIV", "MIL", "POL", "HR", "PA", "FO1", "FO2", "FO3")
HISTORY_QUARTERS = 16
RECOMMENDATIONS_PER_CYCLE = 10
TASKS_PER_MISSION = 2000
HEAVY_OPEN_TASKS = 470
NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
HEAVY = "heavy@m00.example"
NARRATIVE = (
    "## Progress\n\nThe component **met** most of its milestones this quarter. Patrols covered the "
    "northern axis; *community alert networks* reported 14 incidents.\n\n- Early warning: 9 of 12 sites\n"
    "- Training: 3 sessions\n- Reporting: on time\n\nSee the [annex](https://example.org/annex) for details.\n"
) * 3


def _periods() -> list[str]:
    """HISTORY_QUARTERS closed quarters, then the one in follow-up and the one taking input."""
    quarters = [f"{year}-Q{q}" for year in range(2022, 2027) for q in range(1, 5)]
    return quarters[-(HISTORY_QUARTERS + 2) - 1 : -1]


def _quarter_end(period: str) -> dt.date:
    year, quarter = int(period[:4]), int(period[-1])
    return dt.date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1) - dt.timedelta(days=1)


class _Ids:
    """Row ids handed out here, so every table can be inserted in one statement."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        self.next[table] = self.next.get(table, 0) + 1
        return self.next[table]


def _person(tables, ids, people, comps, m: int, mid: int, role: str, component: str | None, email: str | None) -> int:
    """One user of mission `m` holding `role` (in `component`); the same password hash for everyone."""
    uid = ids("users")
    tables["users"].append(
        {
            "id": uid,
            "email": email or f"u{uid}@m{m:02d}.example",
            "name": f"Person {uid}",
            "password_hash": tables["password_hash"],
            "is_enabled": True,
            "notify": "daily",
            "language": "en",
            "created_at": NOW,
        }
    )
    tables["roles"].append(
        {
            "id": ids("roles"),
            "user_id": uid,
            "role": role,
            "mission_id": mid,
            "component_id": comps[component] if component else None,
            "created_at": NOW,
        }
    )
    people.setdefault(f"{role}:{component}", []).append(uid)
    return uid


def populate(password_hash: str) -> dict:
    """Fill an empty database; the ids the benchmark looks at."""
    rng = random.Random(7)
    store.register_all()
    db.session.flush()
    rows = {d.name: d for d in db.session.scalars(select(WorkflowDefinition))}
    quarterly, submission_def = rows["quarterly_assessment"].id, rows["component_submission"].id
    ids = _Ids()
    tables: dict[str, list[dict]] = {name: [] for name in ("missions", "components", "users", "roles", "cycles")}
    for name in ("submissions", "comments", "recs", "updates", "events", "tasks"):
        tables[name] = []
    tables["password_hash"] = password_hash
    periods = _periods()
    picked: dict = {}
    for m in range(MISSIONS):
        mid = ids("missions")
        code = f"M{m:02d}"
        tables["missions"].append(
            {"id": mid, "code": code, "name": f"Mission {m:02d}", "timezone": "Africa/Bangui", "created_at": NOW}
        )
        comps = {}
        for c in COMPONENTS:
            cid = ids("components")
            comps[c] = cid
            kind = "field_office" if c.startswith("FO") else "civilian"
            tables["components"].append(
                {"id": cid, "mission_id": mid, "code": c, "name": f"{c} component", "kind": kind, "created_at": NOW}
            )
        people: dict[str, list[int]] = {}

        def person(role: str, component: str | None, email: str | None = None) -> int:
            return _person(tables, ids, people, comps, m, mid, role, component, email)  # noqa: B023 (called in this pass)

        for _ in range(3):
            person("spu", None)
            person("leadership", None)
        for c in COMPONENTS:
            person("focal_point", c, HEAVY if (m == 0 and c == "CIV") else None)
            person("focal_point", c)
            person("component_head", c)
        while len([u for u in tables["users"] if u["email"].endswith(f"@m{m:02d}.example")]) < USERS_PER_MISSION:
            person("viewer", None)
        spu = people["spu:None"][0]
        mission_tasks = 0
        for index, period in enumerate(periods):
            state = (
                "closed"
                if index < HISTORY_QUARTERS
                else ("followup" if index == HISTORY_QUARTERS else "component_input")
            )
            end = _quarter_end(period)
            started = dt.datetime.combine(end, dt.time(8), tzinfo=dt.UTC)
            cyid = ids("cycles")
            tables["cycles"].append(
                {
                    "id": cyid,
                    "mission_id": mid,
                    "definition_id": quarterly,
                    "submission_definition_id": submission_def,
                    "period": period,
                    "title": f"{code} {period} quarterly assessment",
                    "state": state,
                    "version": 9,
                    "input_due": end + dt.timedelta(days=15),
                    "created_by_id": spu,
                    "state_entered_at": started,
                    "closed_at": started + dt.timedelta(days=80) if state == "closed" else None,
                    "created_at": started,
                }
            )
            open_cycle = state != "closed"
            sub_ids = {}
            for c in COMPONENTS:
                sid = ids("submissions")
                sub_ids[c] = sid
                taking_input = state == "component_input"
                tables["submissions"].append(
                    {
                        "id": sid,
                        "cycle_id": cyid,
                        "component_id": comps[c],
                        "state": "pending" if taking_input else "endorsed",
                        "version": 4,
                        "due": end + dt.timedelta(days=15),
                        "is_required": True,
                        "narrative": "" if taking_input else NARRATIVE,
                        "rating": None if taking_input else rng.choice(("on_track", "some_progress", "no_progress")),
                        "submitted_at": None if taking_input else started + dt.timedelta(days=10),
                        "endorsed_at": None if taking_input else started + dt.timedelta(days=12),
                        "updated_at": started + dt.timedelta(days=10),
                        "created_at": started,
                    }
                )
                for k in range(2):
                    tables["comments"].append(
                        {
                            "id": ids("comments"),
                            "cycle_id": cyid,
                            "submission_id": sid,
                            "author_id": spu,
                            "body": f"Comment {k}: please *add* the figures for the northern sector.",
                            "created_at": started + dt.timedelta(days=11, hours=k),
                        }
                    )
            rec_ids = []
            if state != "component_input":
                for r in range(RECOMMENDATIONS_PER_CYCLE):
                    rid = ids("recs")
                    c = COMPONENTS[r % len(COMPONENTS)]
                    approved = r < 7
                    status = None
                    if approved:
                        status = "done" if state == "closed" else rng.choice(("open", "in_progress", "done"))
                    tables["recs"].append(
                        {
                            "id": rid,
                            "cycle_id": cyid,
                            "component_id": comps[c],
                            "title": f"Recommendation {r} of {period}",
                            "body": "Set up **community alert networks** in the _northern_ sector.\n\n- one\n- two",
                            "due": end + dt.timedelta(days=90),
                            "decision": "approved" if approved else "rejected",
                            "decision_comment": None,
                            "decided_at": started + dt.timedelta(days=40),
                            "status": status,
                            "owner_id": people[f"component_head:{c}"][0] if approved else None,
                            "carried_from_id": None,
                            "created_by_id": spu,
                            "version": 3,
                            "created_at": started + dt.timedelta(days=30),
                        }
                    )
                    rec_ids.append((rid, c, approved, status))
                    if approved:
                        for u in range(2):
                            tables["updates"].append(
                                {
                                    "id": ids("updates"),
                                    "recommendation_id": rid,
                                    "actor_id": people[f"component_head:{c}"][0],
                                    "status": "in_progress" if u == 0 else (status or "open"),
                                    "note": "Networks set up in **three** of five sites.",
                                    "created_at": started + dt.timedelta(days=50 + 10 * u),
                                }
                            )
            for e in range(40):
                tables["events"].append(
                    {
                        "id": ids("events"),
                        "at": started + dt.timedelta(hours=e * 7),
                        "actor_id": spu,
                        "mission_id": mid,
                        "cycle_id": cyid,
                        "action": ("open_input", "edit_submission", "submit", "endorse", "update_recommendation")[
                            e % 5
                        ],
                        "subject": f"cycle:{cyid}",
                        "from_state": "component_input",
                        "to_state": "joint_review",
                        "comment": "Going ahead." if e % 7 == 0 else None,
                    }
                )
            per_cycle = TASKS_PER_MISSION // len(periods)
            for t in range(per_cycle):
                c = COMPONENTS[t % len(COMPONENTS)]
                rec = rec_ids[t % len(rec_ids)] if rec_ids and t % 3 == 0 else None
                is_open = open_cycle and t % 4 == 0
                role = "component_head" if rec else ("focal_point" if t % 2 else "spu")
                tables["tasks"].append(
                    {
                        "id": ids("tasks"),
                        "key": f"quarterly_assessment:{state}:{'action' if rec else 'submit'}",
                        "title": f"Submit {c} component input for {period}",
                        "role": role,
                        "mission_id": mid,
                        "component_id": comps[c] if role != "spu" else None,
                        "assignee_id": None,
                        "cycle_id": cyid,
                        "submission_id": sub_ids[c] if not rec else None,
                        "recommendation_id": rec[0] if rec else None,
                        "state": state,
                        "due": end + dt.timedelta(days=15 + t % 30),
                        "closed_at": None if is_open else started + dt.timedelta(days=20),
                        "created_at": started,
                    }
                )
                mission_tasks += 1
            if m == 0 and state == "followup":
                picked["followup_cycle"] = cyid
                picked["submission"] = sub_ids["CIV"]
            if m == 0 and state == "component_input":
                picked["input_submission"] = sub_ids["CIV"]
        if m == 0:  # the heavy focal point's pile: open tasks of CIV's focal point role
            have = sum(
                1
                for t in tables["tasks"]
                if t["closed_at"] is None and t["role"] == "focal_point" and t["component_id"] == comps["CIV"]
            )
            for t in range(HEAVY_OPEN_TASKS - have):
                tables["tasks"].append(
                    {
                        "id": ids("tasks"),
                        "key": "quarterly_assessment:component_input:submit",
                        "title": f"Submit CIV component input for {periods[-1]}",
                        "role": "focal_point",
                        "mission_id": mid,
                        "component_id": comps["CIV"],
                        "assignee_id": None,
                        "cycle_id": cyid,
                        "submission_id": sub_ids["CIV"],
                        "recommendation_id": None,
                        "state": "component_input",
                        "due": dt.date(2026, 10, 1) + dt.timedelta(days=t % 60 - 20),
                        "closed_at": None,
                        "created_at": NOW,
                    }
                )
            picked["spu"] = tables["users"][0]["email"]
            picked["head"] = next(u["email"] for u in tables["users"] if u["id"] == people["component_head:CIV"][0])
    models = {
        "missions": Mission,
        "components": Component,
        "users": User,
        "roles": RoleAssignment,
        "cycles": Cycle,
        "submissions": Submission,
        "comments": SubmissionComment,
        "recs": Recommendation,
        "updates": RecommendationUpdate,
        "events": AuditEvent,
        "tasks": Task,
    }
    del tables["password_hash"]
    for name, model in models.items():
        batch = tables[name]
        for start in range(0, len(batch), 5000):
            db.session.execute(insert(model.__table__), batch[start : start + 5000])
    db.session.commit()
    picked["counts"] = {name: len(batch) for name, batch in tables.items()}
    picked["mission"] = "M00"
    return picked


def describe() -> dict:
    """What is in the database (for the benchmark's header)."""
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Mission, User, Cycle, Task, Recommendation, AuditEvent)
    }
