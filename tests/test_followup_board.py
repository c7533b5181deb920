"""The follow-up board at a mission's size: 50 actions a page, filters, a head's own actions first,
closed cycles left out unless asked for, and the same selection as CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from openpyxl import load_workbook
from sqlalchemy import insert, select

from cpas_workflow.accounts.models import User
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission
from cpas_workflow.recommendations.models import Recommendation
from tests.cycle_helpers import SPU, cycle_in, head
from tests.web_helpers import page, signed_in

NOW = dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC)


def _actions(app, cycle_id: int, n: int, *, component: str, owner: str, status: str = "open", due=None, title=None):
    with app.app_context():
        comp = db.session.scalar(
            select(Component).join(Mission).where(Component.code == component, Mission.code == "DEMO")
        )
        owner_id = db.session.scalar(select(User.id).where(User.email == owner))
        rows = [
            {
                "cycle_id": cycle_id,
                "component_id": comp.id,
                "title": title or f"{component} action {i:02d}",
                "body": "Do it.",
                "due": due or dt.date(2026, 12, 1) + dt.timedelta(days=i),
                "decision": "approved",
                "status": status,
                "owner_id": owner_id,
                "created_by_id": owner_id,
                "version": 1,
                "created_at": NOW,
            }
            for i in range(n)
        ]
        db.session.execute(insert(Recommendation.__table__), rows)
        db.session.commit()


def _titles(html: str) -> list[str]:
    return re.findall(r'<tr id="rec-\d+"[^>]*>\s*<td[^>]*><strong>([^<]+)</strong>', html)


def test_the_board_shows_fifty_actions_a_page_with_links_to_the_others(app, api):
    cycle = cycle_in(api, "followup")  # one action of CIV already
    _actions(app, cycle["id"], 59, component="MIL", owner=head("MIL"))
    spu = signed_in(app, SPU)
    first = page(spu, "/missions/DEMO/follow-up")
    assert len(_titles(first)) == 50 and "60 actions" in first and "page 1 of 2" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = page(spu, "/missions/DEMO/follow-up?page=2")
    assert len(_titles(second)) == 10 and 'rel="prev"' in second
    assert set(_titles(first)).isdisjoint(_titles(second))


def test_filters_narrow_the_board_and_a_head_sees_their_own_actions_first(app, api, frozen_clock):
    cycle = cycle_in(api, "followup")
    _actions(app, cycle["id"], 3, component="MIL", owner=head("MIL"), status="in_progress")
    _actions(app, cycle["id"], 2, component="POL", owner=head("POL"), due=dt.date(2026, 9, 1), title="Late POL")
    spu = signed_in(app, SPU)
    assert len(_titles(page(spu, "/missions/DEMO/follow-up"))) == 6
    assert len(_titles(page(spu, "/missions/DEMO/follow-up?status=in_progress"))) == 3
    assert set(_titles(page(spu, "/missions/DEMO/follow-up?component=POL"))) == {"Late POL"}
    assert set(_titles(page(spu, "/missions/DEMO/follow-up?overdue=1"))) == {"Late POL"}
    mil_head = signed_in(app, head("MIL"))
    assert len(_titles(page(mil_head, "/missions/DEMO/follow-up"))) == 3  # "mine" by default
    assert len(_titles(page(mil_head, "/missions/DEMO/follow-up?owner=all"))) == 6


def test_closed_cycles_stay_off_the_board_unless_asked_for(app, api):
    closed = cycle_in(api, "closed", period="2025-Q4", input_due="2026-10-10")
    current = cycle_in(api, "followup")
    with app.app_context():
        assert db.session.get(Cycle, closed["id"]).state == "closed"
    spu = signed_in(app, SPU)
    shown = _titles(page(spu, "/missions/DEMO/follow-up"))
    assert len(shown) == 1
    assert len(_titles(page(spu, "/missions/DEMO/follow-up?closed=1"))) == 2
    assert len(_titles(page(spu, "/missions/DEMO/follow-up?year=2025"))) == 1
    assert len(_titles(page(spu, f"/missions/DEMO/follow-up?cycle={current['id']}"))) == 1


def test_the_board_exports_every_matching_action_as_csv_and_xlsx_with_formulas_defused(app, api):
    cycle = cycle_in(api, "followup")
    _actions(app, cycle["id"], 55, component="MIL", owner=head("MIL"))
    _actions(app, cycle["id"], 1, component="POL", owner=head("POL"), title='=HYPERLINK("http://evil.example")')
    spu = signed_in(app, SPU)
    response = spu.get("/missions/DEMO/follow-up.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 57  # all of them, not one page
    assert {r["title"] for r in rows if r["component"] == "POL"} == {'\'=HYPERLINK("http://evil.example")'}
    mil = spu.get("/missions/DEMO/follow-up.xlsx?component=MIL")
    sheet = load_workbook(io.BytesIO(mil.get_data())).active
    values = list(sheet.values)
    assert values[0][:3] == ("id", "title", "component") and len(values) == 56
    assert {v[2] for v in values[1:]} == {"MIL"} and {v[6] for v in values[1:]} == {head("MIL")}


def test_a_filter_that_makes_no_sense_is_refused_with_its_name(app, api):
    cycle_in(api, "followup")
    spu = signed_in(app, SPU)
    for query, message in [
        ("status=finished", "status must be one of"),
        ("component=XYZ", "has no component"),
        ("page=0", "page must be a whole number"),
        ("year=abc", "year must be a whole number"),
    ]:
        response = spu.get(f"/missions/DEMO/follow-up?{query}", follow_redirects=True)
        assert message in response.get_data(as_text=True), query
        assert spu.get(f"/missions/DEMO/follow-up.csv?{query}").status_code != 200
