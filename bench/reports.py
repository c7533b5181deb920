"""Benchmark: the reports of a mission at a real size — a framework of 100 indicators across 15
components with 20 quarters of history, in 10 such missions (for the HQ comparison).

Times (wall clock, median and p95, and the CPU time of the process), over several runs, the consolidated assessment page, the report PDF, the factsheet PDF and the
HQ comparison page, each as a user asks for it (the whole request), and counts their SQL statements;
the same requests on a small mission (20 indicators, 4 components, 4 quarters) show that the count
does not grow with the framework or the history. Run: `.venv/bin/python bench/reports.py` (or
`make bench`; `CPAS_BENCH_BACKEND=postgresql` for PostgreSQL).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _reports_data import LAST_PERIOD, build_mission  # noqa: E402
from _table import bench_app, note, row  # noqa: E402

from cpas_workflow.accounts.models import RoleAssignment, User  # noqa: E402
from cpas_workflow.accounts.operations import hash_password  # noqa: E402
from cpas_workflow.extensions import db  # noqa: E402

RUNS = int(os.environ.get("CPAS_BENCH_RUNS", "7"))  # timed runs of each request, after one warm-up
MISSIONS = 10
PASSWORD = "bench-password"
# (figure, target in seconds)
TARGETS = {
    "page": ("consolidated assessment page", 1.0),
    "pdf": ("assessment report PDF", 3.0),
    "factsheet": ("factsheet PDF", 1.0),
    "hq": ("HQ comparison page", 1.0),
}


class Statements:
    """Counts the SQL statements the engine sends while `active`."""

    def __init__(self, engine) -> None:
        self.count, self.active = 0, False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        if self.active:
            self.count += 1


def _app(folder: Path):
    app = bench_app(folder, CPAS_CHEAP_PASSWORD_HASHES=True, CPAS_DEMO_HISTORY=False)
    return app


def populate(app, *, missions: int, **size) -> dict:
    with app.app_context():
        db.create_all()
        first = None
        for m in range(missions):
            built = build_mission(f"M{m + 1:02d}", **size)
            first = first or built
        users = first["users"]
        hq = User(email="hq@bench.example", name="HQ", notify="off", language="en")
        db.session.add(hq)
        db.session.flush()
        db.session.add(RoleAssignment(user_id=hq.id, role="hq"))
        for user in [*users.values(), hq]:
            user.password_hash = hash_password(PASSWORD)
        db.session.commit()
        return {"cycle_id": first["cycle_id"], "mission": "M01"}


def _signed_in(app, email: str):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def _api(app, email: str):
    client = app.test_client()
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.get_json()
    return client, {"Authorization": f"Bearer {response.get_json()['token']}"}


def requests(app, built: dict) -> dict:
    """The four requests, each a function answering (status, body size)."""
    spu = _signed_in(app, "spu@bench.example")
    hq = _signed_in(app, "hq@bench.example")
    api, headers = _api(app, "spu@bench.example")
    cycle, mission = built["cycle_id"], built["mission"]
    return {
        "page": lambda: spu.get(f"/cycles/{cycle}/assessment"),
        "pdf": lambda: api.get(f"/api/v1/cycles/{cycle}/report.pdf", headers=headers),
        "factsheet": lambda: api.get(f"/api/v1/missions/{mission}/factsheet.pdf?period={LAST_PERIOD}", headers=headers),
        "hq": lambda: hq.get(f"/hq?period={LAST_PERIOD}"),
    }


def measure(app, built: dict, runs: int) -> dict[str, dict]:
    """Per request: the times of `runs` runs (after one warm-up) and the statements of one."""
    found = {}
    with app.app_context():
        counter = Statements(db.engine)
    for name, call in requests(app, built).items():
        response = call()  # warm-up: templates compiled, fonts loaded
        assert response.status_code == 200, (name, response.status_code, response.get_data(as_text=True)[:500])
        counter.count, counter.active = 0, True
        call()
        counter.active = False
        times, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        found[name] = {"times": times, "cpu": cpu, "statements": counter.count, "bytes": len(response.data)}
    return found


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    small_app = _app(Path(tempfile.mkdtemp(prefix="cpas-bench-reports-small-")))
    small = measure(small_app, populate(small_app, missions=2, components=4, indicators=20, quarters=4), 1)
    folder = Path(tempfile.mkdtemp(prefix="cpas-bench-reports-"))
    app = _app(folder)
    started = time.perf_counter()
    built = populate(app, missions=MISSIONS, components=15, indicators=100, quarters=20)
    note(
        f"data: {MISSIONS} missions x 100 indicators, 15 components, 20 quarters ({time.perf_counter() - started:.1f} s)"
    )
    large = measure(app, built, RUNS)
    # wall time is what a user waits; CPU time is this process's own work (the machine may be shared)
    print(f"   {'figure':<30} {'target':>7} {'median':>8} {'p95':>8} {'CPU':>8} {'statements':>18} {'ratio':>6}")
    for name, (figure, target) in TARGETS.items():
        times, statements = large[name]["times"], large[name]["statements"]
        median = statistics.median(times)
        print(
            f"   {figure:<30} {target:>6.1f}s {median:>7.3f}s {_p95(times):>7.3f}s "
            f"{statistics.median(large[name]['cpu']):>7.3f}s "
            f"{small[name]['statements']:>6} → {statements:<6}    {median / target:>5.2f}"
        )
    for name, (figure, target) in TARGETS.items():
        row(f"{figure}, 100 indicators x 20 quarters (median)", statistics.median(large[name]["times"]), target, "s")
    for name in ("page", "pdf", "factsheet"):
        figure = TARGETS[name][0]
        row(f"{figure}: statements, large / small framework", large[name]["statements"] / small[name]["statements"], 1)


if __name__ == "__main__":
    main()
