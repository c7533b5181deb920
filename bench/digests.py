"""Benchmark: build the daily digests for 5,000 users holding 100,000 tasks on a fresh database.

Prints the time and the number of SQL statements at two sizes; the count must not grow with the number
of users (every read is batched). Run: `.venv/bin/python bench/digests.py` (or `make bench`;
`CPAS_BENCH_BACKEND=postgresql` for PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import bench_app, note, row  # noqa: E402

from cpas_workflow.accounts.models import RoleAssignment, User  # noqa: E402
from cpas_workflow.core import clock  # noqa: E402
from cpas_workflow.core.audit import AuditEvent  # noqa: E402
from cpas_workflow.cycles.models import Cycle  # noqa: E402
from cpas_workflow.engine import store  # noqa: E402
from cpas_workflow.extensions import db  # noqa: E402
from cpas_workflow.missions.models import Component, Mission  # noqa: E402
from cpas_workflow.tasks.models import Task  # noqa: E402
from notifications.digests import send_digests  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402

NOW = dt.datetime(2026, 10, 2, 6, 0, tzinfo=dt.UTC)  # 07:00 in Bangui: the daily digest hour
MISSIONS = 10
COMPONENTS = 5


def populate(users: int, tasks: int) -> None:
    """`users` focal points spread over MISSIONS x COMPONENTS, each assigned `tasks // users` tasks,
    plus a few audit events per cycle."""
    created = NOW - dt.timedelta(days=3)
    store.register_all()
    definition_id = db.session.scalar(select(func.min(store.WorkflowDefinition.id)))
    for m in range(MISSIONS):
        mission = Mission(
            code=f"M{m}", name=f"Mission {m}", timezone=["Africa/Bangui", "Asia/Tokyo"][m % 2], created_at=created
        )
        db.session.add(mission)
        db.session.flush()
        for c in range(COMPONENTS):
            db.session.add(
                Component(
                    mission_id=mission.id, code=f"C{c}", name=f"Component {c}", kind="civilian", created_at=created
                )
            )
        db.session.add(
            Cycle(
                mission_id=mission.id,
                definition_id=definition_id,
                period="2026-Q4",
                title=f"M{m} 2026-Q4",
                state="component_input",
                version=1,
                input_due=dt.date(2026, 10, 15),
                created_at=created,
            )
        )
    db.session.flush()
    components = db.session.execute(select(Component.id, Component.mission_id)).all()
    cycles = dict(db.session.execute(select(Cycle.mission_id, Cycle.id)).all())
    db.session.execute(
        insert(User),
        [
            {
                "email": f"user{u}@bench.example",
                "name": f"User {u}",
                "notify": "daily",
                "language": "en",
                "is_enabled": True,
                "created_at": created,
            }
            for u in range(users)
        ],
    )
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    db.session.execute(
        insert(RoleAssignment),
        [
            {
                "user_id": uid,
                "role": "focal_point",
                "mission_id": components[i % len(components)].mission_id,
                "component_id": components[i % len(components)].id,
                "created_at": created,
            }
            for i, uid in enumerate(user_ids)
        ],
    )
    per_user = tasks // users
    rows = []
    for i, uid in enumerate(user_ids):
        mission_id = components[i % len(components)].mission_id
        for k in range(per_user):
            rows.append(
                {
                    "key": "quarterly_assessment:component_input:bench",
                    "title": f"Task {k} of user {uid}",
                    "role": "focal_point",
                    "mission_id": mission_id,
                    "component_id": components[i % len(components)].id,
                    "assignee_id": uid,
                    "cycle_id": cycles[mission_id],
                    "state": "component_input",
                    "due": (NOW + dt.timedelta(days=k % 30 - 10)).date(),
                    "created_at": created,
                }
            )
    db.session.execute(insert(Task), rows)
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "at": NOW - dt.timedelta(hours=h + 1),
                "mission_id": mission_id,
                "cycle_id": cycle_id,
                "action": "submit",
                "subject": "bench",
                "from_state": "pending",
                "to_state": "submitted",
            }
            for mission_id, cycle_id in cycles.items()
            for h in range(5)
        ],
    )
    db.session.commit()


def measure(users: int, tasks: int) -> tuple[float, int, int]:
    folder = Path(tempfile.mkdtemp(prefix="cpas-bench-"))
    app = bench_app(folder)
    with app.app_context():
        db.create_all()
        with clock.frozen(NOW - dt.timedelta(days=3)):
            populate(users, tasks)
        statements = 0

        def count(*_args) -> None:
            nonlocal statements
            statements += 1

        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        with clock.frozen(NOW):
            queued = send_digests(NOW)
            db.session.commit()
        elapsed = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == queued
        db.session.remove()
        db.engine.dispose()
    return elapsed, statements, queued


def main() -> None:
    small_s, small_n, small_q = measure(500, 10_000)
    elapsed, statements, queued = measure(5_000, 100_000)
    note(f"500 users: {small_q} digests in {small_s:.2f} s, {small_n} statements")
    note(f"5,000 users: {queued} digests in {elapsed:.2f} s, {statements} statements")
    row("digests, 5,000 users and 100,000 tasks", elapsed, 5, "s")
    row("digests: time per digest", elapsed / max(queued, 1) * 1000, 1, "ms")
    row("digests: statements at 5,000 users / at 500", statements / small_n, 1)


if __name__ == "__main__":
    main()
