"""The publication rule: a value leaves the mission (factsheet, HQ comparison, exports, the API's
mission values) only once leadership approved its cycle, and not while the cycle is reopened."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import sign_in
from tests.cycle_helpers import LEAD, SPU, fire, fire_submission, fp, head, ok, start_cycle
from tests.framework_helpers import published_framework

PERIOD = "2026-Q4"
VALUES = {
    "MIL": [{"indicator": "MIL-1", "value": 437}, {"indicator": "MIL-2", "value": 55}],
    "POL": [{"indicator": "POL-1", "value": 41.5}],
    "CIV": [{"indicator": "CIV-1", "value": True}, {"indicator": "CIV-2", "value": "Medium"}],
}


@pytest.fixture
def cycle(api):
    """A 2026-Q4 cycle in component input, every component's values saved but not yet submitted."""
    published_framework(api)
    cycle = start_cycle(api, period=PERIOD)
    cycle = ok(fire(api, SPU, cycle["id"], "open_input"))
    for s in cycle["submissions"]:
        code = s["component"]
        body = {"narrative": f"{code} input.", "rating": "some_progress", "indicator_values": VALUES[code]}
        ok(api(fp(code)).put(f"/api/v1/submissions/{s['id']}", json=body))
    return cycle


def submissions_of(cycle) -> dict[str, int]:
    return {s["component"]: s["id"] for s in cycle["submissions"]}


def submit_and_endorse(api, submission_id: int, code: str) -> None:
    ok(fire_submission(api, fp(code), submission_id, "submit"))
    ok(fire_submission(api, head(code), submission_id, "endorse"))


def approve(api, cycle) -> dict:
    """From component input to leadership's approval (no recommendations to decide)."""
    for code, sid in submissions_of(cycle).items():
        if ok(api(SPU).get(f"/api/v1/submissions/{sid}"))["state"] == "pending":
            submit_and_endorse(api, sid, code)
    ok(fire(api, SPU, cycle["id"], "start_review"))
    ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    return ok(fire(api, LEAD, cycle["id"], "approve"))


def web_client(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def xlsx_rows(response) -> list[dict]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]


def where_mil_1_is(app, api, value) -> dict[str, bool]:
    """On which outside surfaces the MIL-1 value of 2026-Q4 appears, as each reader gets it."""
    viewer = api("viewer@demo.example")
    factsheet = web_client(app, "viewer@demo.example").get(f"/missions/DEMO/factsheet?period={PERIOD}")
    pdf = viewer.get(f"/api/v1/missions/DEMO/factsheet.pdf?period={PERIOD}")
    assert factsheet.status_code == 200 and pdf.status_code == 200
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    hq = web_client(app, "hq@demo.example").get(f"/hq?period={PERIOD}").get_data(as_text=True)
    demo_row = hq[hq.index("DEMO — ") : hq.index("</tr>", hq.index("DEMO — "))]
    mine = lambda r: (r["indicator"], r["period"], r["component"]) == ("MIL-1", PERIOD, "MIL")  # noqa: E731
    return {
        "factsheet": f"{PERIOD}: {value}" in factsheet.get_data(as_text=True),
        "factsheet.pdf": f"{PERIOD}: {value}" in pdf_text,
        "hq": "MIL Some progress" in " ".join(demo_row.split()),
        "csv": any(
            mine(r) and r["value"] == str(value)
            for r in csv_rows(viewer.get("/api/v1/missions/DEMO/indicator-values.csv"))
        ),
        "xlsx": any(
            mine(r) and r["value"] == value
            for r in xlsx_rows(viewer.get("/api/v1/missions/DEMO/indicator-values.xlsx"))
        ),
        "api": any(mine(r) and r["value"] == value for r in ok(viewer.get("/api/v1/missions/DEMO/indicator-values"))),
    }


EVERYWHERE = {"factsheet": True, "factsheet.pdf": True, "hq": True, "csv": True, "xlsx": True, "api": True}
NOWHERE = {key: False for key in EVERYWHERE}


def test_a_value_is_published_only_once_leadership_approved_its_cycle(app, api, cycle):
    assert where_mil_1_is(app, api, 437) == NOWHERE  # saved, not even submitted
    sid = submissions_of(cycle)
    submit_and_endorse(api, sid["MIL"], "MIL")
    assert where_mil_1_is(app, api, 437) == NOWHERE  # submitted and endorsed, still a draft
    approve(api, cycle)
    assert where_mil_1_is(app, api, 437) == EVERYWHERE


def test_spu_and_leadership_may_export_drafts_marked_as_such_and_no_one_else(app, api, cycle):
    for email in (SPU, LEAD):
        rows = csv_rows(api(email).get("/api/v1/missions/DEMO/indicator-values.csv?drafts=1"))
        assert {(r["indicator"], r["value"], r["status"]) for r in rows if r["component"] == "MIL"} == {
            ("MIL-1", "437", "draft"),
            ("MIL-2", "55", "draft"),
        }
        xlsx = xlsx_rows(api(email).get(f"/api/v1/missions/DEMO/indicator-values.xlsx?drafts=1&period={PERIOD}"))
        assert len(xlsx) == 5 and {r["status"] for r in xlsx} == {"draft"}
        values = ok(api(email).get("/api/v1/missions/DEMO/indicator-values?drafts=1"))
        assert {v["status"] for v in values} == {"draft"} and len(values) == 5
    for email in ("viewer@demo.example", fp("MIL"), head("MIL"), "hq@demo.example"):
        response = api(email).get("/api/v1/missions/DEMO/indicator-values.csv?drafts=1")
        assert response.status_code == 403, email
    assert api(SPU).get("/api/v1/missions/DEMO/indicator-values?drafts=maybe").status_code == 422
    assert api(SPU).get(f"/api/v1/cycles/{cycle['id']}/indicator-values.csv").get_data().count(b"\n") == 1
    approve(api, cycle)
    rows = csv_rows(api(SPU).get("/api/v1/missions/DEMO/indicator-values.csv?drafts=1"))
    assert len(rows) == 5 and {r["status"] for r in rows} == {"published"}


def test_the_assessment_of_a_cycle_not_yet_approved_says_draft_on_page_print_and_pdf(app, api, cycle):
    spu = web_client(app, SPU)
    page = spu.get(f"/cycles/{cycle['id']}/assessment").get_data(as_text=True)
    report = spu.get(f"/cycles/{cycle['id']}/report").get_data(as_text=True)
    pdf = api(SPU).get(f"/api/v1/cycles/{cycle['id']}/report.pdf")
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for shown in (page, report, pdf_text):
        assert "DRAFT — not approved" in shown
    assert "437" in page  # its own values are shown, under the band
    approve(api, cycle)
    page = spu.get(f"/cycles/{cycle['id']}/assessment").get_data(as_text=True)
    pdf = api(SPU).get(f"/api/v1/cycles/{cycle['id']}/report.pdf")
    assert "DRAFT" not in page and "DRAFT" not in " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages
    )


def test_trend_charts_of_a_later_cycle_leave_out_an_earlier_period_not_approved(app, api, cycle):
    ok(fire(api, SPU, cycle["id"], "cancel", comment="Started by mistake"))
    later = start_cycle(api, period="2027-Q1", input_due="2027-01-15")
    ok(fire(api, SPU, later["id"], "open_input"))
    page = web_client(app, SPU).get(f"/cycles/{later['id']}/assessment").get_data(as_text=True)
    assert 'data-period="2026-Q4"' not in page and "437" not in page
