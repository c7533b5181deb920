"""Benchmark: the main pages and `GET /api/v1/cycles/<id>` at a department's size (50 missions,
5,000 users, 100,000 tasks; `bench/_pagedata.py`), through the Flask test client in-process.

For each path: the p50 and p95 of REPEAT requests (after a warm-up) and the SQL statements one request
sends, against the targets of issue 10. Run: `.venv/bin/python bench/pages.py` (or `make bench`;
`CPAS_BENCH_BACKEND=postgresql` for PostgreSQL). The SQLite data is built once and kept in the temp
folder (its name carries the generator's version and the schema's newest migration); PostgreSQL's is
built in a schema of its own.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _pagedata  # noqa: E402
from _table import backend, database_url, note, row  # noqa: E402

from cpas_workflow import create_app  # noqa: E402
from cpas_workflow.accounts.models import RoleAssignment, User  # noqa: E402
from cpas_workflow.core import clock  # noqa: E402
from cpas_workflow.core.schema import upgrade_schema  # noqa: E402
from cpas_workflow.extensions import db  # noqa: E402
from cpas_workflow.missions.models import Component, Mission  # noqa: E402

PASSWORD = "bench-password"
REPEAT = int(os.environ.get("CPAS_BENCH_REPEAT", "60"))


def _database(folder: Path) -> tuple[str, bool]:
    """The URL, and whether the data is already there (a SQLite file of this generator version)."""
    if backend() == "postgresql":
        return database_url(folder), False
    folder = Path(tempfile.gettempdir())
    path = folder / f"cpas-bench-pages-v{_pagedata.GENERATOR_VERSION}-{_schema_head()}.sqlite3"
    for stale in folder.glob("cpas-bench-pages-v*.sqlite3*"):  # older data or an older schema
        if not stale.name.startswith(path.name):
            stale.unlink()
    return f"sqlite:///{path}", path.exists()


def _schema_head() -> str:
    """The newest migration: data kept from an older schema is built again, not migrated."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent.parent / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def _app(url: str, folder: Path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "CPAS_CHEAP_PASSWORD_HASHES": True,
            "CPAS_BASE_URL": "http://cpas.bench",
            "WTF_CSRF_ENABLED": False,
        },
        instance_path=str(folder),
    )


def _signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, (email, response.status_code)
    return client


def _token(client, email: str) -> dict:
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def measure(app, client, path: str, headers: dict | None = None) -> tuple[float, float, int, int]:
    """(p50 ms, p95 ms, statements of one request, bytes of the answer)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    for _ in range(3):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    size = len(client.get(path, headers=headers).get_data())
    event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(statements), size


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, ready = _database(folder)
        app = _app(url, folder)
        clock.freeze(_pagedata.NOW)
        with app.app_context():
            if not ready:
                upgrade_schema()
                started = time.perf_counter()
                from cpas_workflow.accounts.operations import hash_password

                picked = _pagedata.populate(hash_password(PASSWORD))
                note(f"data built in {time.perf_counter() - started:.1f} s: {picked['counts']}")
            else:
                upgrade_schema()
            sizes = _pagedata.describe()
            note(f"{backend()}: " + ", ".join(f"{n:,} {table}" for table, n in sizes.items()))
            spu = db.session.scalar(select(User.email).where(User.email.like("%@m00.example")).order_by(User.id))
            head = db.session.scalar(
                select(User.email)
                .join(RoleAssignment, RoleAssignment.user_id == User.id)
                .join(Component, Component.id == RoleAssignment.component_id)
                .join(Mission, Mission.id == Component.mission_id)
                .where(Mission.code == "M00", Component.code == "CIV", RoleAssignment.role == "component_head")
            )
            ids = _ids()
        paths = [
            ("cycle page", spu, f"/cycles/{ids['followup']}", 20, 6),
            ("joint review", spu, f"/cycles/{ids['followup']}/review", 20, 6),
            ("sign-off", spu, f"/cycles/{ids['followup']}/sign-off", 20, 6),
            ("mission dashboard", spu, "/missions/M00", 20, 6),
            ("submission page", spu, f"/submissions/{ids['submission']}", 20, 6),
            ("GET /api/v1/cycles/<id>", spu, f"/api/v1/cycles/{ids['followup']}", 20, 6),
            ("My tasks, 470 open tasks", _pagedata.HEAVY, "/", 10, None),
            ("My tasks, an SPU", spu, "/", 10, None),
            ("follow-up board", spu, "/missions/M00/follow-up", 20, None),
            ("follow-up board, a component head", head or spu, "/missions/M00/follow-up", 20, None),
            ("follow-up board, every year, page 2", spu, "/missions/M00/follow-up?closed=1&page=2", 20, None),
            ("My tasks, 470 open tasks, page 5", _pagedata.HEAVY, "/?page=5", 10, None),
        ]
        clients: dict = {}
        table = []
        for name, email, path, target_ms, target_statements in paths:
            if email not in clients:
                clients[email] = _signed_in(app, email)
            client = clients[email]
            headers = _token(client, email) if path.startswith("/api/") else None
            p50, p95, statements, size = measure(app, client, path, headers)
            table.append((name, path, target_ms, p50, p95, statements, target_statements, size))
            row(f"{name}: p95", p95, target_ms, "ms")
            if target_statements is not None:
                row(f"{name}: statements", statements, target_statements)
        print()
        print(f"| path | target | p50 | p95 | statements | ratio (p95/target) | size ({backend()}) |")
        print("|---|---|---|---|---|---|---|")
        for name, path, target_ms, p50, p95, statements, target_statements, size in table:
            target = f"< {target_ms} ms" + (f", ≤ {target_statements} stmts" if target_statements else "")
            shown = re.sub(r"/\d+", "/<id>", path)
            print(
                f"| {name} `{shown}` | {target} | {p50:.1f} ms | {p95:.1f} ms | "
                f"{statements} | {p95 / target_ms:.2f} | {size / 1024:.0f} KB |"
            )


def _ids() -> dict:
    from cpas_workflow.cycles.models import Cycle
    from cpas_workflow.submissions.models import Submission

    mission_id = db.session.scalar(select(Mission.id).where(Mission.code == "M00"))
    followup = db.session.scalar(select(Cycle.id).where(Cycle.mission_id == mission_id, Cycle.state == "followup"))
    submission = db.session.scalar(select(Submission.id).where(Submission.cycle_id == followup).order_by(Submission.id))
    return {"followup": followup, "submission": submission}


if __name__ == "__main__":
    main()
