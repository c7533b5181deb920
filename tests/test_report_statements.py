"""The reports read their data once per request: the consolidated assessment page, the printable
report, its PDF, the factsheet and its PDF send as many SQL statements for a mission with 4 times the
indicators, twice the components and 4 times the quarters of history as for a small one."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from bench._reports_data import LAST_PERIOD, build_mission
from cpas_workflow.accounts.models import User
from cpas_workflow.accounts.operations import hash_password
from cpas_workflow.extensions import db
from tests.conftest import PASSWORD, ApiUser
from tests.web_helpers import signed_in

SIZES = {
    "small": {"components": 3, "indicators": 6, "quarters": 2},
    "large": {"components": 6, "indicators": 24, "quarters": 8},
}


@pytest.fixture
def missions(app):
    """Two missions of different sizes in one database, and the SPU of both."""
    with app.app_context():
        spu = User(email="spu@bench.example", name="Planner", notify="off", password_hash=hash_password(PASSWORD))
        lead = User(email="lead@bench.example", name="Head", notify="off")
        db.session.add_all([spu, lead])
        db.session.flush()
        built = {
            size: build_mission(f"M{size.upper()}", users={"spu": spu, "lead": lead}, **shape)
            for size, shape in SIZES.items()
        }
        db.session.commit()
        return {size: {"cycle": b["cycle_id"], "code": f"M{size.upper()}"} for size, b in built.items()}


def statements(app, get, url: str) -> int:
    """The SQL statements of one request for `url` (after one request that warms every cache)."""
    assert get(url).status_code == 200, url
    seen = []
    with app.app_context():
        engine = db.engine

    def count(*_args) -> None:
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


URLS = {
    "assessment page": "/cycles/{cycle}/assessment",
    "printable report": "/cycles/{cycle}/report",
    "report PDF": "/api/v1/cycles/{cycle}/report.pdf",
    "factsheet": "/missions/{code}/factsheet?period=" + LAST_PERIOD,
    "factsheet PDF": "/api/v1/missions/{code}/factsheet.pdf?period=" + LAST_PERIOD,
}


@pytest.mark.parametrize("report", URLS)
def test_a_report_sends_as_many_statements_for_a_large_framework_and_history_as_for_a_small_one(app, missions, report):
    if URLS[report].startswith("/api/"):
        get = ApiUser(app.test_client(), "spu@bench.example").get
    else:
        get = signed_in(app, "spu@bench.example").get
    counts = {size: statements(app, get, URLS[report].format(**ids)) for size, ids in missions.items()}
    assert counts["large"] == counts["small"], counts
    assert counts["small"] <= 40, counts  # and few: every outcome and cycle is not read one by one


def test_the_hq_comparison_sends_as_many_statements_for_three_missions_as_for_two(app, missions):
    from cpas_workflow.accounts.models import RoleAssignment

    with app.app_context():
        hq = User(email="hq@bench.example", name="HQ", notify="off", password_hash=hash_password(PASSWORD))
        db.session.add(hq)
        db.session.flush()
        db.session.add(RoleAssignment(user_id=hq.id, role="hq"))
        db.session.commit()
    get = signed_in(app, "hq@bench.example").get
    url = "/hq?period=" + LAST_PERIOD
    two = statements(app, get, url)
    with app.app_context():
        users = {u.email.split("@")[0]: u for u in db.session.scalars(db.select(User))}
        build_mission("MTHIRD", users={"spu": users["spu"], "lead": users["lead"]}, **SIZES["small"])
        db.session.commit()
    page = get(url).get_data(as_text=True)
    assert all(f"M{code} — Mission M{code}" in page for code in ("SMALL", "LARGE", "THIRD"))
    assert statements(app, get, url) == two
