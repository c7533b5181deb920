"""Every main page and API read issues a fixed number of SQL statements, within its budget, and the
number stays the same when missions, cycles and their history grow. A count is deterministic: a
relationship loaded lazily again (one statement per row) or an eager cascade brought back fails here."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

from cpas_workflow.extensions import db
from tests.cycle_helpers import COMPONENTS, SPU, cycle_in, fire, fp, head, ok, start_cycle
from tests.web_helpers import post, signed_in

# name -> (who looks, URL template, statements it takes, most it may take). {cid}: a cycle in
# follow-up, {sid}: one of its submissions, {rid}: its recommendation, {open_sid}: input being edited.
# The count is exact on purpose: one more statement (a relationship made eager, a lazy load per row)
# fails here; lower it when a page gets cheaper, and never raise a page above its ceiling.
PAGES = {
    "my tasks": (fp("CIV"), "/", 5, 5),  # + who else could take them (to offer "Take this task" or not)
    "my tasks (head)": (head("CIV"), "/", 4, 4),
    # + which cycles are published, + the titles of the recommendations its timeline names
    "mission dashboard": (SPU, "/missions/DEMO", 6, 6),
    "cycle page": (SPU, "/cycles/{cid}", 6, 6),  # + whether its values are published
    "joint review": (SPU, "/cycles/{cid}/review", 6, 6),
    "sign-off": (SPU, "/cycles/{cid}/sign-off", 5, 6),
    "submission page": (fp("CIV"), "/submissions/{sid}", 6, 6),  # + its indicators with their values, its attachments
    "submission page (being edited)": (fp("MIL"), "/submissions/{open_sid}", 6, 6),
    "follow-up board": (SPU, "/missions/DEMO/follow-up", 5, 6),
    "recommendation register": (SPU, "/missions/DEMO/recommendations", 6, 6),  # + cycles for the filter
}
# The consolidated assessment page and the reports are counted by their own tests (reports feature).
API_READS = {
    "GET /me": (SPU, "/api/v1/me", 1, 2),
    "GET /missions": (SPU, "/api/v1/missions", 3, 3),
    "GET /missions/{code}/cycles": (SPU, "/api/v1/missions/DEMO/cycles", 3, 3),
    "GET /cycles/{id}": (SPU, "/api/v1/cycles/{cid}", 5, 6),
    "GET /cycles/{id}/events": (SPU, "/api/v1/cycles/{cid}/events", 3, 3),
    "GET /submissions/{id}": (fp("CIV"), "/api/v1/submissions/{sid}", 3, 6),  # no comments: the API has none
    "GET /recommendations/{id}": (SPU, "/api/v1/recommendations/{rid}", 3, 3),
    "GET /tasks": (fp("CIV"), "/api/v1/tasks", 2, 2),
    "GET /missions/{code}/recommendations": (SPU, "/api/v1/missions/DEMO/recommendations", 5, 5),
    "GET /missions/{code}/framework": (SPU, "/api/v1/missions/DEMO/framework", 8, 8),
}
EVERY = {**PAGES, **API_READS}


@contextlib.contextmanager
def counted(app):
    """The SQL statements sent to the database while the block runs."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _grow(api, app, round_: int) -> None:
    """More of what a mission piles up: cycles under way with input edited again and again (and
    their audit events), and another mission with its own people."""
    from cpas_workflow.accounts.operations import assign_role, create_user, find_user
    from cpas_workflow.missions.operations import add_component, create_mission

    with app.app_context():
        admin = find_user("admin@demo.example")
        mission = create_mission(f"M{round_}", f"Mission {round_}", "UTC", admin)
        for code in COMPONENTS:
            add_component(mission, code, code, "civilian", admin)
        assign_role(create_user(f"spu{round_}@m.example", "Another planner", "password-123"), "spu", mission)
        db.session.commit()
    for n in range(3):
        cycle = start_cycle(api, period=f"{2030 + round_}-Q{n + 1}", input_due="2026-10-20")
        cycle = ok(fire(api, SPU, cycle["id"], "open_input"))
        for submission in cycle["submissions"]:
            for i in range(2):
                body = {"narrative": f"draft {i}", "rating": "on_track"}
                ok(api(fp(submission["component"])).put(f"/api/v1/submissions/{submission['id']}", json=body))


def _measure(app, clients: dict, ids: dict) -> dict[str, int]:
    counts = {}
    for name, (email, url, _expected, _most) in EVERY.items():
        target = url.format(**ids)
        with counted(app) as statements:
            response = clients["api"](email).get(target) if target.startswith("/api/") else clients[email].get(target)
        assert response.status_code == 200, (name, response.status_code, response.get_data(as_text=True)[:500])
        counts[name] = len(statements)
    return counts


@pytest.fixture
def world(app, api):
    """A mission with a cycle in follow-up (input with a comment, a decided recommendation with an
    update, its audit trail) and the demo history: a published framework and four closed quarters."""
    cycle = cycle_in(api, "followup")
    cid = cycle["id"]
    sid = next(s["id"] for s in cycle["submissions"] if s["component"] == "CIV")
    rid = cycle["recommendations"][0]["id"]
    ok(
        api(head("CIV")).post(
            f"/api/v1/recommendations/{rid}/updates", json={"status": "in_progress", "note": "Begun."}
        ),
        201,
    )
    emails = {email for email, *_ in PAGES.values()}
    clients = {email: signed_in(app, email) for email in emails}
    post(clients[SPU], f"/submissions/{sid}/comments", {"body": "Well argued.", "back": "submission"})
    from cpas_workflow import demo_history
    from cpas_workflow.missions.models import Mission

    with app.app_context():  # a published framework and four closed quarters with values and decisions
        demo_history.load(db.session.scalar(db.select(Mission).where(Mission.code == "DEMO")))
        db.session.commit()
    current = ok(fire(api, SPU, start_cycle(api, period="2027-Q1", input_due="2026-10-20")["id"], "open_input"))
    open_sid = next(s["id"] for s in current["submissions"] if s["component"] == "MIL")
    ok(api(fp("MIL")).put(f"/api/v1/submissions/{open_sid}", json={"narrative": "Begun.", "rating": "on_track"}))
    clients["api"] = api
    for email, *_ in API_READS.values():
        api(email).headers  # noqa: B018  (the token is fetched outside the counted request)
    return clients, {"cid": cid, "sid": sid, "rid": rid, "open_sid": open_sid}


def test_every_page_and_api_read_takes_its_statements_and_no_more_as_the_data_grows(app, api, world):
    clients, ids = world
    assert all(expected <= most for _, _, expected, most in EVERY.values())
    before = _measure(app, clients, ids)
    changed = {name: (EVERY[name][2], n) for name, n in before.items() if n != EVERY[name][2]}
    assert not changed, f"statements (expected, counted): {changed}"
    _grow(api, app, 1)
    _grow(api, app, 2)
    after = _measure(app, clients, ids)
    assert after == before, {name: (before[name], after[name]) for name in before if before[name] != after[name]}


def test_no_relationship_loads_by_itself(app):
    """Every relationship raises when it was not loaded: each query says what it brings along."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    loading = [
        f"{mapper.class_.__name__}.{rel.key}: lazy={rel.lazy!r}"
        for mapper in db.Model.registry.mappers
        for rel in mapper.relationships
        if rel.lazy not in ("raise", "raise_on_sql")
    ]
    assert loading == []
