"""My tasks for someone with a pile of work: 50 a page, narrowed by cycle or overdue, counted per
mission and role; the API's GET /tasks still answers every open task unless asked for a page."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert, select

from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission
from cpas_workflow.tasks.models import Task
from tests.cycle_helpers import fp, ok, start_cycle
from tests.web_helpers import page, signed_in

NOW = dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC)


def _pile(app, cycle_id: int, n: int, *, first_due: dt.date) -> None:
    """`n` open tasks of CIV's focal point in the cycle, one due each day from `first_due`."""
    with app.app_context():
        mission, civ = db.session.execute(
            select(Mission.id, Component.id).join(Component).where(Mission.code == "DEMO", Component.code == "CIV")
        ).one()
        rows = [
            {
                "key": "quarterly_assessment:component_input:submit",
                "title": f"Pile task {i:02d}",
                "role": "focal_point",
                "mission_id": mission,
                "component_id": civ,
                "cycle_id": cycle_id,
                "state": "component_input",
                "due": first_due + dt.timedelta(days=i),
                "created_at": NOW,
            }
            for i in range(n)
        ]
        db.session.execute(insert(Task.__table__), rows)
        db.session.commit()


def _shown(html: str) -> list[str]:
    return re.findall(r">(Pile task \d+)</a>", html)


def test_my_tasks_shows_fifty_a_page_soonest_first_and_counts_them_all(app, api):
    cycle = start_cycle(api)
    _pile(app, cycle["id"], 60, first_due=dt.date(2026, 10, 10))
    civ = signed_in(app, fp("CIV"))
    first = page(civ, "/")
    assert _shown(first) == [f"Pile task {i:02d}" for i in range(50)]
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = page(civ, "/?page=2")
    assert _shown(second) == [f"Pile task {i:02d}" for i in range(50, 60)] and 'rel="next"' not in second


def test_my_tasks_narrows_to_a_cycle_or_to_what_is_overdue(app, api):
    older = start_cycle(api, period="2026-Q3", input_due="2026-10-05")
    newer = start_cycle(api)
    _pile(app, older["id"], 3, first_due=dt.date(2026, 9, 20))  # overdue on 1 October
    _pile(app, newer["id"], 4, first_due=dt.date(2026, 10, 20))
    civ = signed_in(app, fp("CIV"))
    assert len(_shown(page(civ, "/"))) == 7
    assert len(_shown(page(civ, "/?overdue=1"))) == 3
    assert len(_shown(page(civ, f"/?cycle={newer['id']}"))) == 4
    assert "No open task matches these filters." in page(civ, "/?mission=OTHER")
    assert "page must be a whole number" in civ.get("/?page=x", follow_redirects=True).get_data(as_text=True)


def test_the_api_lists_every_open_task_and_a_page_of_them_when_asked(app, api):
    cycle = start_cycle(api)
    _pile(app, cycle["id"], 60, first_due=dt.date(2026, 10, 10))
    everything = ok(api(fp("CIV")).get("/api/v1/tasks"))
    assert len(everything) == 60 and [t["due"] for t in everything] == sorted(t["due"] for t in everything)
    some = ok(api(fp("CIV")).get("/api/v1/tasks?limit=20&offset=50"))
    assert [t["id"] for t in some] == [t["id"] for t in everything[50:]]
    for query in ("limit=0", "limit=abc", "offset=-1", "limit=100000"):
        response = api(fp("CIV")).get(f"/api/v1/tasks?{query}")
        assert response.status_code == 400 and response.get_json()["error"]["fields"], query


def test_my_tasks_export_every_task_the_filter_matches_not_one_page(app, api):
    import csv
    import io

    from openpyxl import load_workbook

    older = start_cycle(api, period="2026-Q3", input_due="2026-10-05")
    _pile(app, older["id"], 3, first_due=dt.date(2026, 9, 20))  # overdue on 1 October
    _pile(app, start_cycle(api)["id"], 60, first_due=dt.date(2026, 10, 20))
    civ = signed_in(app, fp("CIV"))
    assert 'href="/tasks.csv?overdue=1"' in page(civ, "/?overdue=1&page=1")  # the export keeps the filter
    response = civ.get("/tasks.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    assert 'filename="my-tasks.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    piled = [r for r in rows if r["task"].startswith("Pile task")]
    assert len(piled) == 63  # both cycles' tasks, beyond the page of 50
    assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)
    assert {r["overdue"] for r in piled[:3]} == {"yes"} and {r["overdue"] for r in piled[3:]} == {"no"}
    assert all(r["mission"] == "DEMO" and r["component"] == "CIV" for r in piled)
    assert all(r["link"].startswith("http://cpas.test/") for r in rows)
    overdue = list(csv.DictReader(io.StringIO(civ.get("/tasks.csv?overdue=1").get_data().decode("utf-8-sig"))))
    assert [r["task"] for r in overdue] == ["Pile task 00", "Pile task 01", "Pile task 02"]
    sheet = load_workbook(io.BytesIO(civ.get("/tasks.xlsx").get_data())).active
    assert [c.value for c in sheet[1]][:3] == ["id", "task", "mission"] and sheet.max_row == len(rows) + 1
    assert signed_in(app, "spu@other.example").get("/tasks.csv").get_data().decode("utf-8-sig").count("\n") == 1
    assert app.test_client().get("/tasks.csv").status_code in (302, 401)  # signed out: nothing
