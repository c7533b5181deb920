"""Reports over the demo history: exports read back against the database, the report's numbers,
the PDF's text, the SVG charts' points, the factsheet and the HQ comparison."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import joinedload

from cpas_workflow.extensions import db
from tests.conftest import sign_in
from tests.cycle_helpers import ok

SPU = "spu@demo.example"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def history(app, demo):
    from cpas_workflow import demo_history
    from cpas_workflow.missions.models import Mission

    with app.app_context():
        assert demo_history.load(db.session.scalar(db.select(Mission).where(Mission.code == "DEMO"))) is True
        db.session.commit()
        db.session.remove()


@pytest.fixture
def cycles(api, history):
    return {c["period"]: c for c in ok(api(SPU).get("/api/v1/missions/DEMO/cycles"))}


def stored_values(app, period: str | None = None) -> dict[tuple[str, str, str], tuple]:
    from cpas_workflow.framework.models import IndicatorValue

    with app.app_context():
        query = db.select(IndicatorValue).options(
            joinedload(IndicatorValue.indicator), joinedload(IndicatorValue.component)
        )
        rows = db.session.scalars(query).unique().all()
        return {
            (v.indicator.code, v.period, v.component.code): (v.value, v.indicator.unit, v.note, v.no_data_reason)
            for v in rows
            if period is None or v.period == period
        }


def as_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_the_demo_history_is_real_and_loads_only_once(api, app, cycles):
    from cpas_workflow import demo_history
    from cpas_workflow.missions.models import Mission

    quarters = [p for p in cycles if "-Q" in p]
    assert sorted(quarters) == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert all(cycles[p]["state"] == "closed" for p in quarters)
    framework = ok(api(SPU).get("/api/v1/missions/DEMO/framework"))
    indicators = [
        i for p in framework["priorities"] for o in p["outcomes"] for r in [o, *o["outputs"]] for i in r["indicators"]
    ]
    assert len(indicators) >= 10 and {i["component"] for i in indicators} == {"CIV", "MIL", "POL"}
    events = ok(api(SPU).get(f"/api/v1/cycles/{cycles['2026-Q1']['id']}/events"))
    assert events[0]["at"].startswith("2026-03-17") and events[-1]["action"] == "close"
    q3 = ok(api(SPU).get(f"/api/v1/cycles/{cycles['2026-Q3']['id']}"))
    assert {r["decision"] for r in q3["recommendations"]} <= {"approved", "amended"} and q3["recommendations"][0][
        "status"
    ] == "done"
    with app.app_context():
        assert demo_history.load(db.session.scalar(db.select(Mission).where(Mission.code == "DEMO"))) is False
    assert len(stored_values(app)) == 4 * len(indicators)


@pytest.mark.parametrize("query", ["", "?period=2026-Q3"])
def test_the_csv_export_reads_back_as_the_database_holds_it(api, app, cycles, query):
    response = api("viewer@demo.example").get(f"/api/v1/missions/DEMO/indicator-values.csv{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    expected = stored_values(app, "2026-Q3" if query else None)
    assert len(rows) == len(expected) == (12 if query else 48)
    for row in rows:
        value, unit, note, reason = expected[(row["indicator"], row["period"], row["component"])]
        assert (row["value"], row["unit"], row["note"], row["no_data_reason"]) == (
            as_cell(value),
            unit,
            note,
            reason or "",
        )


def test_the_xlsx_export_of_a_cycle_reads_back_as_the_database_holds_it(api, app, cycles):
    response = api(SPU).get(f"/api/v1/cycles/{cycles['2025-Q4']['id']}/indicator-values.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["indicator", "title", "period", "component", "value", "unit"]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    expected = stored_values(app, "2025-Q4")
    assert len(rows) == len(expected) == 12
    for row in rows:
        value, unit, note, reason = expected[(row["indicator"], row["period"], row["component"])]
        assert as_cell(row["value"]) == as_cell(value) and (row["unit"] or "") == unit and (row["note"] or "") == note
        assert (row["no_data_reason"] or None) == reason
    assert any(r["indicator"] == "POL-2" and r["no_data_reason"] for r in rows)


def test_exports_and_reports_of_another_mission_are_not_found(api, cycles):
    other = api("spu@other.example")
    cid = cycles["2026-Q3"]["id"]
    for url in (
        "/api/v1/missions/DEMO/indicator-values.csv",
        "/api/v1/missions/DEMO/indicator-values.xlsx",
        f"/api/v1/cycles/{cid}/indicator-values.csv",
        f"/api/v1/cycles/{cid}/report.pdf",
        "/api/v1/missions/DEMO/factsheet.pdf?period=2026-Q3",
        "/api/v1/missions/DEMO/framework",
        "/api/v1/missions/DEMO/framework.xlsx",
    ):
        assert other.get(url).status_code == 404, url
    assert api(SPU).get("/api/v1/missions/DEMO/indicator-values.csv?period=Q3").status_code == 422
    assert api(SPU).get("/api/v1/missions/DEMO/factsheet.pdf").status_code == 400
    assert api(SPU).get("/api/v1/missions/DEMO/factsheet.pdf?period=2024-Q1").status_code == 404


def expected_figures(api, period: str) -> dict[str, int]:
    """The report's headline numbers worked out here from the framework and the exported values."""
    framework = ok(api(SPU).get("/api/v1/missions/DEMO/framework"))
    indicators = {
        i["code"]: i
        for p in framework["priorities"]
        for o in p["outcomes"]
        for r in [o, *o["outputs"]]
        for i in r["indicators"]
    }
    text = api(SPU).get(f"/api/v1/missions/DEMO/indicator-values.csv?period={period}").get_data().decode("utf-8-sig")
    figures = {
        "indicators": len(indicators),
        "reported": 0,
        "no_data": 0,
        "target_met": 0,
        "improving": 0,
        "worsening": 0,
    }
    for row in csv.DictReader(io.StringIO(text)):
        if row["no_data_reason"]:
            figures["no_data"] += 1
            continue
        figures["reported"] += 1
        i = indicators[row["indicator"]]
        if i["kind"] in ("yes_no", "level"):
            rank = (["no", "yes"] if i["kind"] == "yes_no" else i["levels"]).index
            value, base, target = rank(row["value"]), rank(i["baseline"]), rank(i["target"])
        else:
            value, base, target = float(row["value"]), i["baseline"], i["target"]
        sign = 1 if i["direction"] == "higher" else -1
        if sign * (value - target) >= 0:
            figures["target_met"] += 1
        elif sign * (value - base) > 0:
            figures["improving"] += 1
        elif value != base:
            figures["worsening"] += 1
    return figures


@pytest.mark.parametrize("period", ["2025-Q4", "2026-Q3"])
def test_the_assessment_page_numbers_match_the_data(api, client, cycles, period):
    sign_in(client, "viewer@demo.example")
    page = client.get(f"/cycles/{cycles[period]['id']}/assessment").get_data(as_text=True)
    shown = {name: int(n) for name, n in re.findall(r'data-figure="(\w+)">(\d+)<', page)}
    assert shown == expected_figures(api, period)
    assert "O1.1 — Violence against civilians falls in the priority areas" in page
    assert "Extend community alert networks" in page or period != "2025-Q4"
    if period == "2025-Q4":
        assert "deployment census was not carried out" in page


def test_the_trend_charts_are_accessible_svg_with_the_plotted_points(api, client, cycles):
    sign_in(client, "viewer@demo.example")
    page = client.get(f"/cycles/{cycles['2026-Q3']['id']}/assessment").get_data(as_text=True)
    svgs = [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", page, flags=re.S)]
    assert len(svgs) == 12
    chart = next(s for s in svgs if s.find(f"{SVG}title").text.startswith("MIL-1 "))
    assert chart.get("role") == "img" and chart.get("aria-labelledby")
    assert "2025-Q4 104" in chart.find(f"{SVG}desc").text
    points = chart.findall(f".//{SVG}circle")
    assert [(p.get("data-period"), p.get("data-value")) for p in points] == [
        ("2025-Q4", "104"),
        ("2026-Q1", "97"),
        ("2026-Q2", "81"),
        ("2026-Q3", "72"),
    ]
    ys = [float(p.get("cy")) for p in points]
    xs = [float(p.get("cx")) for p in points]
    assert xs == sorted(xs) and ys == sorted(ys)  # left to right in time; falling values sit lower (larger y)
    texts = [t.text for t in chart.iter(f"{SVG}text")]
    assert "Period" in texts and "incidents" in texts and "2026-Q3" in texts
    assert chart.find(f".//{SVG}line[@class='target']").get("data-value") == "60"
    level = next(s for s in svgs if s.find(f"{SVG}title").text.startswith("POL-3 "))
    assert [p.get("data-value") for p in level.findall(f".//{SVG}circle")] == ["1", "1", "2", "2"]
    assert {"Low", "Medium", "High"} <= {t.text for t in level.iter(f"{SVG}text")}
    no_data = next(s for s in svgs if s.find(f"{SVG}title").text.startswith("POL-2 "))
    assert [p.get("data-period") for p in no_data.findall(f".//{SVG}circle")] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert page.count("<caption>Values by period</caption>") == 12


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_assessment_report_pdf_holds_the_numbers(api, cycles, output_dir):
    response = api("lead@demo.example").get(f"/api/v1/cycles/{cycles['2026-Q3']['id']}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (output_dir / "assessment-report.pdf").write_bytes(response.data)
    pages, text = pdf_text(response.data)
    assert pages >= 2
    flat = " ".join(text.split())
    assert "Assessment report: Demo Mission (DEMO), 2026" in flat
    for phrase in (
        "MIL-1 Incidents of violence against civilians recorded",
        "Value: 72",
        "Baseline: 120",
        "Target: 60",
        "POL-3",
        "Medium",
        "Publish the quarterly human rights report",
    ):
        assert phrase in flat, phrase
    figures = expected_figures(api, "2026-Q3")
    assert f"{figures['reported']} reported" in flat and f"{figures['target_met']} target met" in flat


def test_the_factsheet_is_one_page_with_headline_indicators(api, cycles, output_dir):
    response = api("hq@demo.example").get("/api/v1/missions/DEMO/factsheet.pdf?period=2026-Q3")
    assert response.status_code == 200
    (output_dir / "factsheet.pdf").write_bytes(response.data)
    pages, text = pdf_text(response.data)
    flat = " ".join(text.split())
    assert pages == 1
    for phrase in ("Demo Mission (DEMO) — factsheet 2026-Q3", "MIL-1", "POL-1", "CIV-2", "CIV-4", "MIL-3", "On track"):
        assert phrase in flat, phrase
    assert "MIL-4" not in flat  # not a headline indicator


def test_headquarters_sees_missions_side_by_side_and_who_is_late(client, cycles):
    sign_in(client, "hq@demo.example")
    page = client.get("/hq?period=2026-Q3").get_data(as_text=True)
    demo_row = page[page.index("DEMO — Demo Mission") : page.index("OTHER — Other Mission")]
    other_row = page[page.index("OTHER — Other Mission") :]
    assert "Closed" in demo_row and "P1" in demo_row and "MIL On track" in demo_row and "Late" not in demo_row
    assert "no assessment started" in other_row
    assert 'href="/hq">Missions compared</a>' in page
    spu = client.application.test_client()
    sign_in(spu, SPU)
    assert spu.get("/hq").status_code == 403  # not for a mission's staff
    assert 'href="/missions/DEMO/framework">Results</a>' in spu.get("/").get_data(as_text=True)


def test_the_openapi_document_lists_the_framework_endpoints(api):
    paths = ok(api(SPU).get("/api/v1/openapi.json"))["paths"]
    for path in (
        "/missions/{code}/framework",
        "/missions/{code}/framework/import",
        "/missions/{code}/indicator-values.csv",
        "/missions/{code}/indicator-values.xlsx",
        "/cycles/{id}/indicator-values.csv",
        "/cycles/{id}/report.pdf",
        "/missions/{code}/factsheet.pdf",
    ):
        assert path in paths, path
