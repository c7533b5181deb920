"""Benchmark: one scheduler pass over 1,000,000 tasks (1% due soon), then the same pass again at the
same instant (nothing new to send).

The data: 50 missions of 5 components, 5,000 users (a fifth `immediate`), 1,000 cycles, 5,000 follow-up
actions; 1,000,000 tasks of which 10,000 open and due within the reminder windows (some overdue), 40,000
open and due later, 5,000 open follow-up tasks (half of them quiet for over a month) and the rest the
closed history. The pass runs every producing job (reminders and escalations, follow-up nudges,
digests); delivery is measured by bench/delivery.py. Prints the time, the time spent in the database,
the statements, and the query plan of the reminder window.

Run: `.venv/bin/python bench/scheduler.py [TASKS]` (or `make bench`; `CPAS_BENCH_BACKEND=postgresql`).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import backend, bench_app, note, row  # noqa: E402

from cpas_workflow.accounts.models import RoleAssignment, User  # noqa: E402
from cpas_workflow.core import clock  # noqa: E402
from cpas_workflow.core.schema import upgrade_schema  # noqa: E402
from cpas_workflow.cycles.models import Cycle  # noqa: E402
from cpas_workflow.engine import store  # noqa: E402
from cpas_workflow.extensions import db  # noqa: E402
from cpas_workflow.missions.models import Component, Mission  # noqa: E402
from cpas_workflow.recommendations.models import Recommendation, RecommendationUpdate  # noqa: E402
from cpas_workflow.tasks.models import Task  # noqa: E402
from notifications.jobs import JOBS  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402
from notifications.reminders import _horizon, open_tasks_due_by  # noqa: E402

NOW = dt.datetime(2026, 10, 14, 9, 0, tzinfo=dt.UTC)
ZONES = ["Africa/Bangui", "Africa/Juba", "Asia/Beirut", "America/Port-au-Prince", "Africa/Bamako"]
MISSIONS, COMPONENTS, USERS, CYCLES_PER_MISSION, ACTIONS = 50, 5, 5_000, 20, 5_000
CHUNK = 50_000


class Stopwatch:
    """Statements and time spent in the database (between sending a statement and its return)."""

    def __init__(self, engine) -> None:
        self.engine, self.statements, self.seconds, self._started = engine, 0, 0.0, 0.0

    def _before(self, *_args) -> None:
        self.statements += 1
        self._started = time.perf_counter()

    def _after(self, *_args) -> None:
        self.seconds += time.perf_counter() - self._started

    def __enter__(self) -> Stopwatch:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def _bulk(table, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def populate(total_tasks: int, rng: random.Random) -> None:
    created = NOW - dt.timedelta(days=400)
    store.register_all()
    definition_id = db.session.scalar(
        select(store.WorkflowDefinition.id).where(store.WorkflowDefinition.name == "quarterly_assessment")
    )
    _bulk(
        Mission,
        [
            {"code": f"M{m}", "name": f"Mission {m}", "timezone": ZONES[m % len(ZONES)], "created_at": created}
            for m in range(MISSIONS)
        ],
    )
    missions = list(db.session.scalars(select(Mission.id).order_by(Mission.id)))
    _bulk(
        Component,
        [
            {"mission_id": m, "code": f"C{c}", "name": f"Component {c}", "kind": "civilian", "created_at": created}
            for m in missions
            for c in range(COMPONENTS)
        ],
    )
    components = db.session.execute(select(Component.id, Component.mission_id).order_by(Component.id)).all()
    _bulk(
        Cycle,
        [
            {
                "mission_id": m,
                "definition_id": definition_id,
                "period": f"P{k}",
                "title": f"M{m} cycle {k}",
                "state": "followup" if k == CYCLES_PER_MISSION - 1 else "closed",
                "version": 1,
                "input_due": (NOW - dt.timedelta(days=90 * (CYCLES_PER_MISSION - k))).date(),
                "created_at": created,
            }
            for m in missions
            for k in range(CYCLES_PER_MISSION)
        ],
    )
    cycles = db.session.execute(select(Cycle.id, Cycle.mission_id, Cycle.state).order_by(Cycle.id)).all()
    current = {c.mission_id: c.id for c in cycles if c.state == "followup"}
    notify = ["immediate"] * 2 + ["daily"] * 6 + ["weekly", "off"]
    _bulk(
        User,
        [
            {
                "email": f"user{u}@bench.example",
                "name": f"User {u}",
                "notify": notify[u % len(notify)],
                "language": "fr" if u % 3 == 0 else "en",
                "is_enabled": True,
                "created_at": created,
                "last_digest_at": NOW - dt.timedelta(hours=2),  # today's digests went out at 07:00
            }
            for u in range(USERS)
        ],
    )
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    per_component = (USERS - MISSIONS * 4) // len(components)
    assignments, holders = [], {}
    for i, comp in enumerate(components):
        people = user_ids[i * per_component : (i + 1) * per_component]
        holders[comp.id] = people
        for k, uid in enumerate(people):
            role = "component_head" if k == 0 else "focal_point"
            assignments.append(
                {"user_id": uid, "role": role, "mission_id": comp.mission_id, "component_id": comp.id}
                | {"created_at": created}
            )
    rest = user_ids[len(components) * per_component :]
    for i, m in enumerate(missions):
        for k, role in enumerate(("spu", "spu", "leadership", "viewer")):
            uid = rest[(i * 4 + k) % len(rest)]
            assignments.append({"user_id": uid, "role": role, "mission_id": m, "created_at": created})
    _bulk(RoleAssignment, assignments)
    _bulk(
        Recommendation,
        [
            {
                "cycle_id": current[components[a % len(components)].mission_id],
                "component_id": components[a % len(components)].id,
                "title": f"Action {a}",
                "body": f"Carry out **action {a}** with the partners named in the assessment.",
                "due": (NOW + dt.timedelta(days=60)).date(),
                "decision": "approved",
                "status": "open",
                "owner_id": holders[components[a % len(components)].id][0],
                "version": 1,
                "created_at": created,
            }
            for a in range(ACTIONS)
        ],
    )
    recommendations = db.session.execute(
        select(Recommendation.id, Recommendation.component_id, Recommendation.owner_id).order_by(Recommendation.id)
    ).all()
    _bulk(
        RecommendationUpdate,
        [
            {
                "recommendation_id": r.id,
                "status": "in_progress",
                "note": "progress",
                "created_at": NOW - dt.timedelta(days=5),
            }
            for r in recommendations[::2]
        ],
    )
    by_component = {c.id: c for c in components}
    today = NOW.date()

    def task(n: int, *, due: dt.date, closed: bool, comp, created_at: dt.datetime, **extra) -> dict:
        return {
            "key": "component_submission:pending:submit",
            "title": f"Submit Component {n % COMPONENTS} input for P{n % CYCLES_PER_MISSION}",
            "role": "focal_point",
            "mission_id": comp.mission_id,
            "component_id": comp.id,
            "assignee_id": None,
            "cycle_id": current[comp.mission_id],
            "submission_id": None,
            "recommendation_id": None,
            "state": "pending",
            "due": due,
            "created_at": created_at,
            "closed_at": created_at + dt.timedelta(days=10) if closed else None,
        } | extra

    due_soon, due_later = total_tasks // 100, total_tasks // 25
    rows: list[dict] = []
    for n, r in enumerate(recommendations):
        quiet = n % 2 == 1  # the odd ones have no update: quiet since their task opened, 40 days ago
        rows.append(
            task(
                n,
                due=today + dt.timedelta(days=60),
                closed=False,
                comp=by_component[r.component_id],
                created_at=NOW - dt.timedelta(days=40 if quiet else 20),
                key="quarterly_assessment:followup:action",
                title=f"Follow up: Action {n}",
                role="component_head",
                assignee_id=r.owner_id,
                recommendation_id=r.id,
                state="followup",
            )
        )
    for n in range(due_soon):
        comp = components[rng.randrange(len(components))]
        rows.append(
            task(
                n,
                due=today + dt.timedelta(days=rng.randint(-8, 3)),
                closed=False,
                comp=comp,
                created_at=NOW - dt.timedelta(days=20),
            )
        )
    for n in range(due_later):
        comp = components[rng.randrange(len(components))]
        rows.append(
            task(
                n,
                due=today + dt.timedelta(days=rng.randint(6, 90)),
                closed=False,
                comp=comp,
                created_at=NOW - dt.timedelta(days=2),
            )
        )
    for n in range(total_tasks - len(rows)):
        comp = components[rng.randrange(len(components))]
        opened = NOW - dt.timedelta(days=rng.randint(30, 1800))
        rows.append(task(n, due=(opened + dt.timedelta(days=14)).date(), closed=True, comp=comp, created_at=opened))
        if len(rows) >= CHUNK:
            _bulk(Task, rows)
            rows = []
    _bulk(Task, rows)
    db.session.commit()
    db.session.execute(text("ANALYZE"))  # statistics, as a database that has lived a while has them
    db.session.commit()


def query_plan() -> list[str]:
    query = open_tasks_due_by(NOW.date() + dt.timedelta(days=_horizon() + 1))
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if backend() == "postgresql":
        return [r[0] for r in db.session.execute(text("EXPLAIN " + sql))]
    return [r[-1] for r in db.session.execute(text("EXPLAIN QUERY PLAN " + sql))]


def one_pass() -> tuple[float, float, int, int]:
    """Every producing job once, as at NOW, each committed: (seconds, seconds in the database,
    statements, messages queued)."""
    queued = 0
    with Stopwatch(db.engine) as watch:
        started = time.perf_counter()
        with clock.frozen(NOW):
            for name, job, _every in JOBS:
                if name != "deliver":
                    queued += job(NOW) or 0
                    db.session.commit()
        elapsed = time.perf_counter() - started
    db.session.remove()
    return elapsed, watch.seconds, watch.statements, queued


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--profile"]
    total = int(args[0]) if args else 1_000_000
    folder = Path(tempfile.mkdtemp(prefix="cpas-bench-"))
    app = bench_app(folder)
    label = f"{total:,}"
    with app.app_context():
        upgrade_schema()
        started = time.perf_counter()
        with clock.frozen(NOW - dt.timedelta(days=1)):
            populate(total, random.Random(10))
        note(f"{total:,} tasks written in {time.perf_counter() - started:.0f} s ({backend()})")
        for line in query_plan():
            note(f"plan: {line}")
        if "--profile" in sys.argv:  # where the time of a pass goes, for docs/PERFORMANCE.md
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
        elapsed, in_db, statements, queued = one_pass()
        if "--profile" in sys.argv:
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        again, again_db, again_statements, again_queued = one_pass()
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == queued
        db.session.remove()
        db.engine.dispose()
    note(f"first pass: {queued:,} messages queued, {statements} statements, {in_db:.2f} s in the database")
    note(f"same instant again: {again_queued} queued, {again_statements} statements, {again_db:.2f} s in the database")
    row(f"scheduler pass, {label} tasks", elapsed, 5, "s")
    row(f"scheduler pass, {label} tasks: database time", in_db, 1, "s")
    row(f"scheduler pass, {label} tasks: statements", statements, 20)
    row(f"scheduler pass again at the same instant, {label} tasks", again, 5, "s")
    row("scheduler pass again: messages queued", again_queued, 0)


if __name__ == "__main__":
    main()
