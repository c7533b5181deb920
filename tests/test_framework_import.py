"""Importing, publishing and exporting a mission's results framework."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from cpas_workflow.framework.models import FrameworkVersion, Indicator, Result
from tests.cycle_helpers import LEAD, SPU, fire, ok, start_cycle
from tests.framework_helpers import (
    GOOD_ROWS,
    csv_bytes,
    planning_cycle,
    publish,
    published_framework,
    to_signoff,
    upload,
    xlsx_bytes,
)


def _count(app, model) -> int:
    from cpas_workflow.extensions import db

    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_good_sheet_becomes_the_draft_and_publishing_the_plan_publishes_it(api, app, fmt):
    plan = planning_cycle(api)
    data = csv_bytes(GOOD_ROWS) if fmt == "csv" else xlsx_bytes(GOOD_ROWS)
    draft = ok(upload(api, data, f"framework.{fmt}"), 201)
    assert draft["state"] == "draft"
    assert ok_status(api(SPU).get("/api/v1/missions/DEMO/framework")) == 404  # nothing published yet
    publish(api, plan)

    framework = ok(api("viewer@demo.example").get("/api/v1/missions/DEMO/framework"))
    assert framework["version"] == 1 and framework["state"] == "published"
    [priority] = framework["priorities"]
    assert priority["code"] == "P1" and priority["components"] == ["CIV", "MIL", "POL"]
    o1, o2 = priority["outcomes"]
    assert [i["code"] for i in o1["indicators"]] == ["MIL-1", "POL-1"]
    assert o1["outputs"][0]["code"] == "OP1" and o1["outputs"][0]["indicators"][0]["code"] == "MIL-2"
    mil1 = o1["indicators"][0]
    assert {k: mil1[k] for k in ("code", "title", "unit", "direction", "baseline", "target", "component")} == {
        "code": "MIL-1",
        "title": "Incidents recorded",
        "unit": "incidents",
        "direction": "lower",
        "baseline": 120,
        "target": 60,
        "component": "MIL",
    }
    assert mil1["baseline_date"] == "2025-06-30" and mil1["headline"] is True
    assert o1["outputs"][0]["indicators"][0]["baseline"] == 40.5
    assert [i["baseline"] for i in o2["indicators"]] == ["no", "Low"]
    assert o2["indicators"][1]["levels"] == ["Low", "Medium", "High"]
    events = ok(api(SPU).get(f"/api/v1/cycles/{plan['id']}/events"))
    assert [e["action"] for e in events if "framework" in e["action"]] == ["import_framework", "publish_framework"]


def ok_status(response) -> int:
    return response.status_code


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_imported(api, app):
    planning_cycle(api)
    rows = [dict(r) for r in GOOD_ROWS]
    rows[2]["kind"] = "ratio"  # row 4
    rows[3]["baseline"] = "135"  # row 5: a percentage above 100
    rows[5]["parent"] = "NOPE"  # row 7
    rows[7]["responsible"] = "XYZ"  # row 9
    rows[8]["code"] = "MIL-1"  # row 10: duplicate code
    rows[1]["components"] = "MIL, NAVY"  # row 3
    response = upload(api, csv_bytes(rows), "broken.csv")
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert fields.keys() >= {
        "row 4, kind",
        "row 5, baseline",
        "row 7, parent",
        "row 9, responsible",
        "row 10, code",
        "row 3, components",
    }
    assert "ratio" in fields["row 4, kind"] and "column kind (G)" in fields["row 4, kind"]
    assert "between 0 and 100" in fields["row 5, baseline"]
    assert "not imported" in response.get_json()["error"]["message"]
    assert _count(app, FrameworkVersion) == _count(app, Result) == _count(app, Indicator) == 0


def test_a_broken_sheet_leaves_the_earlier_draft_as_it_was(api, app):
    planning_cycle(api)
    ok(upload(api, csv_bytes(GOOD_ROWS), "framework.csv"), 201)
    broken = [dict(r) for r in GOOD_ROWS] + [
        {
            "type": "indicator",
            "code": "X-1",
            "parent": "O1",
            "title": "x",
            "responsible": "CIV",
            "kind": "count",
            "baseline": "2.5",
        }
    ]
    response = upload(api, xlsx_bytes(broken), "framework.xlsx")
    assert response.status_code == 422
    assert "whole number" in response.get_json()["error"]["fields"]["row 11, baseline"]
    draft = ok(api(SPU).get("/api/v1/missions/DEMO/framework?version=draft"))
    codes = [i["code"] for p in draft["priorities"] for o in p["outcomes"] for i in o["indicators"]]
    assert codes == ["MIL-1", "POL-1", "CIV-1", "CIV-2"]


@pytest.mark.parametrize(
    ("filename", "data", "field"),
    [
        ("framework.pdf", b"%PDF-1.4", "file"),
        ("framework.xlsx", b"not a zip", "file"),
        ("framework.csv", b"\xff\xfe\x00bad", "file"),
        ("framework.csv", b"kind,colour\nx,y\n", "row 1, colour"),
        ("framework.csv", b"type,code,title\n", "row 2, type"),
    ],
)
def test_unreadable_or_empty_files_are_refused_clearly(api, filename, data, field):
    planning_cycle(api)
    response = upload(api, data, filename)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_only_the_spu_imports_and_only_during_a_planning_cycle(api):
    assert upload(api, csv_bytes(GOOD_ROWS), "f.csv").status_code == 409  # no planning cycle yet
    planning_cycle(api)
    assert upload(api, csv_bytes(GOOD_ROWS), "f.csv", email="civ.fp@demo.example").status_code == 403
    assert upload(api, csv_bytes(GOOD_ROWS), "f.csv", email="spu@other.example").status_code == 404
    assert api("spu@other.example").get("/api/v1/missions/DEMO/framework").status_code == 404


def test_the_exported_framework_reads_back_and_imports_again_unchanged(api):
    first = published_framework(api)
    csv_text = api(SPU).get("/api/v1/missions/DEMO/framework.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [r["code"] for r in rows] == ["P1", "O1", "MIL-1", "POL-1", "OP1", "MIL-2", "O2", "CIV-1", "CIV-2"]
    xlsx = api(SPU).get("/api/v1/missions/DEMO/framework.xlsx").data
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in sheet[1]][:4] == ["type", "code", "parent", "title"]
    plan = start_cycle(api, workflow="mission_plan", period="2027", input_due="2026-10-20")
    ok(upload(api, xlsx, "again.xlsx"), 201)
    publish(api, plan)
    second = ok(api(SPU).get("/api/v1/missions/DEMO/framework"))
    assert second["version"] == 2
    assert second["priorities"] == first["priorities"]


def test_a_cycle_keeps_the_framework_version_it_started_with(api, app):
    published_framework(api)
    cycle = start_cycle(api)
    plan = start_cycle(api, workflow="mission_plan", period="2027", input_due="2026-10-20")
    rows = [r for r in GOOD_ROWS if r["code"] != "POL-1"]
    ok(upload(api, csv_bytes(rows), "v2.csv"), 201)
    publish(api, plan)
    from sqlalchemy.orm import joinedload

    from cpas_workflow.cycles.queries import head
    from cpas_workflow.extensions import db
    from cpas_workflow.framework import queries
    from cpas_workflow.submissions.models import Submission

    with app.app_context():
        query = db.select(Submission).where(Submission.cycle_id == cycle["id"])
        submission = db.session.scalars(query.options(joinedload(Submission.cycle).options(*head()))).unique().all()
        pol = next(s for s in submission if s.component.code == "POL")
        assert [i.code for i in queries.indicators_of(pol)] == ["POL-1"]
        assert queries.version_for_cycle(pol.cycle).number == 1
    later = start_cycle(api, period="2027-Q1", input_due="2026-10-20")
    pol_later = next(s for s in later["submissions"] if s["component"] == "POL")
    response = api("pol.fp@demo.example").put(
        f"/api/v1/submissions/{pol_later['id']}", json={"indicator_values": [{"indicator": "POL-1", "value": 40}]}
    )
    assert response.status_code == 422  # version 2 has no POL-1


def test_leadership_cannot_publish_an_empty_draft(api):
    plan = planning_cycle(api)
    ok(upload(api, csv_bytes(GOOD_ROWS[:2]), "no-indicators.csv"), 201)
    cid = plan["id"]
    to_signoff(api, plan)
    response = fire(api, LEAD, cid, "publish")
    assert response.status_code == 422
    assert ok(api(SPU).get(f"/api/v1/cycles/{cid}"))["state"] == "leadership_signoff"


def test_the_spu_imports_on_the_framework_page_and_sees_every_problem(api, client):
    from tests.conftest import csrf_token, sign_in

    planning_cycle(api)
    sign_in(client, SPU)
    rows = [dict(r) for r in GOOD_ROWS]
    rows[2]["baseline"] = "many"
    token = csrf_token(client, "/missions/DEMO/framework")
    response = client.post(
        "/missions/DEMO/framework/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(csv_bytes(rows)), "f.csv")},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported." in page and "row 4, column baseline (K)" in page
    response = client.post(
        "/missions/DEMO/framework/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(csv_bytes(GOOD_ROWS)), "f.csv")},
    )
    assert response.status_code == 302
    assert "Imported draft version 1: 5 indicators." in client.get("/missions/DEMO/framework").get_data(as_text=True)
