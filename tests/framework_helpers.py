"""Building results frameworks in tests: sheets as CSV/XLSX bytes, a planning cycle to import into."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from cpas_workflow.framework.imports import COLUMNS
from tests.cycle_helpers import LEAD, SPU, fill_and_submit, fire, ok, start_cycle

GOOD_ROWS = [
    {"type": "priority", "code": "P1", "title": "Civilians are protected", "components": "CIV, MIL, POL"},
    {"type": "outcome", "code": "O1", "parent": "P1", "title": "Violence falls", "components": "MIL, POL"},
    {
        "type": "indicator",
        "code": "MIL-1",
        "parent": "O1",
        "title": "Incidents recorded",
        "responsible": "MIL",
        "kind": "count",
        "unit": "incidents",
        "direction": "lower",
        "baseline": "120",
        "baseline_date": "2025-06-30",
        "target": "60",
        "target_date": "2027-06-30",
        "data_source": "JOC",
        "frequency": "quarterly",
        "headline": "yes",
    },
    {
        "type": "indicator",
        "code": "POL-1",
        "parent": "O1",
        "title": "Crimes investigated",
        "responsible": "POL",
        "kind": "percentage",
        "unit": "%",
        "baseline": "35",
        "target": "60",
    },
    {"type": "output", "code": "OP1", "parent": "O1", "title": "Patrols", "components": "MIL"},
    {
        "type": "indicator",
        "code": "MIL-2",
        "parent": "OP1",
        "title": "Patrols conducted",
        "responsible": "MIL",
        "kind": "number",
        "unit": "patrols",
        "baseline": "40.5",
        "target": "90",
    },
    {"type": "outcome", "code": "O2", "parent": "P1", "title": "Rights upheld", "components": "CIV"},
    {
        "type": "indicator",
        "code": "CIV-1",
        "parent": "O2",
        "title": "Mechanism endorsed",
        "responsible": "CIV",
        "kind": "yes_no",
        "baseline": "no",
        "target": "yes",
    },
    {
        "type": "indicator",
        "code": "CIV-2",
        "parent": "O2",
        "title": "Confidence",
        "responsible": "CIV",
        "kind": "level",
        "levels": "Low|Medium|High",
        "baseline": "Low",
        "target": "High",
    },
]


def table(rows: list[dict]) -> list[list[str]]:
    return [list(COLUMNS)] + [[row.get(c, "") for c in COLUMNS] for row in rows]


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table(rows))
    return out.getvalue().encode()


def xlsx_bytes(rows: list[dict]) -> bytes:
    book = Workbook()
    for row in table(rows):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(api, data: bytes, filename: str, email: str = SPU, mission: str = "DEMO"):
    return api(email).post(
        f"/api/v1/missions/{mission}/framework/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def planning_cycle(api, period: str = "2026") -> dict:
    return start_cycle(api, workflow="mission_plan", period=period, input_due="2026-10-15")


def to_signoff(api, plan: dict) -> dict:
    """Take a planning cycle from draft to leadership's sign-off."""
    cid = plan["id"]
    plan = ok(fire(api, SPU, cid, "open_input"))
    for submission in plan["submissions"]:
        fill_and_submit(api, submission)
    ok(fire(api, SPU, cid, "start_review"))
    return ok(fire(api, SPU, cid, "submit_for_signoff"))


def publish(api, plan: dict) -> dict:
    """Take a planning cycle from draft to published (leadership's sign-off)."""
    to_signoff(api, plan)
    return ok(fire(api, LEAD, plan["id"], "publish"))


def published_framework(api, rows: list[dict] | None = None) -> dict:
    plan = planning_cycle(api)
    ok(upload(api, csv_bytes(rows or GOOD_ROWS), "framework.csv"), 201)
    publish(api, plan)
    return ok(api(SPU).get("/api/v1/missions/DEMO/framework"))
