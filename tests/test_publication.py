"""The publication rule: a value leaves the mission (factsheet, HQ comparison, exports, the API's
mission values) only once leadership approved its cycle, and not while the cycle is reopened."""

from __future__ import annotations

import csv
import io
import re

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
    spu = web_client(app, SPU)
    for url in ("/missions/DEMO", f"/cycles/{cycle['id']}"):
        assert "values not published (draft)" in spu.get(url).get_data(as_text=True)
    approve(api, cycle)
    assert where_mil_1_is(app, api, 437) == EVERYWHERE
    for url in ("/missions/DEMO", f"/cycles/{cycle['id']}"):
        shown = spu.get(url).get_data(as_text=True)
        assert "values published" in shown and "values not published" not in shown


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


def reopen(api, email, cycle, **body):
    return fire(api, email, cycle["id"], "reopen_for_correction", **body)


def correct_mil_1(api, cycle, value, **extra) -> dict:
    body = {"indicator_values": [{"indicator": "MIL-1", "value": value, **extra}, VALUES["MIL"][1]]}
    return api(fp("MIL")).put(f"/api/v1/submissions/{submissions_of(cycle)['MIL']}", json=body)


def reapprove(api, cycle) -> dict:
    submit_and_endorse(api, submissions_of(cycle)["MIL"], "MIL")
    ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    return ok(fire(api, LEAD, cycle["id"], "approve"))


def test_a_correction_unpublishes_the_values_until_leadership_approves_them_again(app, api, cycle, frozen_clock):
    approve(api, cycle)
    assert where_mil_1_is(app, api, 437) == EVERYWHERE
    frozen_clock.advance(days=20)
    reason = "MIL-1 double-counted the incidents of Bria"
    after = ok(reopen(api, LEAD, cycle, comment=reason, submission=submissions_of(cycle)["MIL"]))
    assert after["state"] == "correction"
    assert {s["component"]: s["state"] for s in after["submissions"]} == {
        "CIV": "endorsed",
        "MIL": "returned",
        "POL": "endorsed",
    }
    assert where_mil_1_is(app, api, 437) == NOWHERE
    events = ok(api("viewer@demo.example").get(f"/api/v1/cycles/{cycle['id']}/events"))
    reopened = [e for e in events if e["action"] == "reopen_for_correction"]
    assert [(e["actor"], e["from_state"], e["to_state"], e["comment"]) for e in reopened] == [
        (LEAD, "followup", "correction", reason)
    ]
    assert any(e["action"] == "return" and e["comment"] == reason for e in events)  # the focal point is told why
    tasks = ok(api(fp("MIL")).get("/api/v1/tasks"))
    assert any("Revise" in t["title"] and t["cycle"] == cycle["id"] for t in tasks)

    refused = correct_mil_1(api, cycle, 412)  # a published value changes only with a reason
    assert refused.status_code == 422
    assert "indicator_values.MIL-1.change_reason" in refused.get_json()["error"]["fields"]
    frozen_clock.advance(days=1)
    ok(correct_mil_1(api, cycle, 412, change_reason="Bria incidents were counted twice"))
    assert where_mil_1_is(app, api, 412) == NOWHERE
    frozen_clock.advance(days=2)
    reapprove(api, cycle)
    assert where_mil_1_is(app, api, 412) == EVERYWHERE
    assert where_mil_1_is(app, api, 437) == {**NOWHERE, "hq": True}  # HQ shows the cycle's ratings, not values

    factsheet = web_client(app, "viewer@demo.example").get(f"/missions/DEMO/factsheet?period={PERIOD}")
    assert "corrected on Oct 22, 2026" in factsheet.get_data(as_text=True)
    events = ok(api("viewer@demo.example").get(f"/api/v1/cycles/{cycle['id']}/events"))
    changed = [e for e in events if e["action"] == "change_value"]
    assert [(e["actor"], e["comment"]) for e in changed] == [
        (fp("MIL"), "MIL-1 2026-Q4: 437 → 412 — Bria incidents were counted twice")
    ]
    page = web_client(app, fp("MIL")).get(f"/submissions/{submissions_of(cycle)['MIL']}")
    text = " ".join(page.get_data(as_text=True).split())
    assert "History of this value" in text and "437 → <strong>412</strong> — Bria incidents were counted twice" in text


def test_a_closed_cycle_reopened_returns_to_follow_up_once_approved_again(app, api, cycle):
    approve(api, cycle)
    ok(fire(api, SPU, cycle["id"], "close"))
    ok(reopen(api, LEAD, cycle, comment="Wrong figure", submission=submissions_of(cycle)["MIL"]))
    ok(correct_mil_1(api, cycle, 430, change_reason="Recount"))
    after = reapprove(api, cycle)
    assert (
        after["state"] == "followup"
        and "close" in ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["allowed_triggers"]
    )
    assert ok(fire(api, SPU, cycle["id"], "close"))["state"] == "closed"


def assert_refused(api, cycle, email, body, status, field=None) -> None:
    before = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))
    events = len(ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}/events")))
    response = reopen(api, email, cycle, **body)
    assert response.status_code == status, (email, body, response.get_json())
    if field:
        assert field in response.get_json()["error"]["fields"]
    after = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))
    assert (after["state"], after["version"]) == (before["state"], before["version"])
    assert len(ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}/events"))) == events


def test_reopening_is_refused_without_reason_by_another_role_or_from_another_state(api, cycle):
    mil = submissions_of(cycle)["MIL"]
    for code, sid in submissions_of(cycle).items():
        submit_and_endorse(api, sid, code)
    ok(fire(api, SPU, cycle["id"], "start_review"))
    ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    assert_refused(api, cycle, LEAD, {"comment": "Wrong", "submission": mil}, 409)  # not approved yet
    ok(fire(api, LEAD, cycle["id"], "approve"))
    for email, body, status, field in [
        (LEAD, {"submission": mil}, 422, "comment"),  # no reason
        (LEAD, {"comment": "   ", "submission": mil}, 422, "comment"),
        (LEAD, {"comment": "Wrong"}, 422, "submission"),  # whose input?
        (LEAD, {"comment": "Wrong", "submission": 999999}, 422, "submission"),
        (SPU, {"comment": "Wrong", "submission": mil}, 403, None),  # leadership's decision
        ("viewer@demo.example", {"comment": "Wrong", "submission": mil}, 403, None),
        (fp("MIL"), {"submission": mil}, 403, None),  # 403 before 422
    ]:
        assert_refused(api, cycle, email, body, status, field)
    ok(reopen(api, LEAD, cycle, comment="First", submission=mil))
    assert_refused(api, cycle, LEAD, {"comment": "Again", "submission": mil}, 409)  # already reopened


def test_leadership_reopens_on_the_cycle_page_and_a_missing_reason_is_shown_on_the_form(app, api, cycle):
    approve(api, cycle)
    ok(api(LEAD).put("/api/v1/me/preferences", json={"language": "fr", "notify": "daily"}))
    lead = web_client(app, LEAD)
    page = lead.get(f"/cycles/{cycle['id']}").get_data(as_text=True)
    assert "Rouvrir pour correction" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "trigger": "reopen_for_correction", "submission": submissions_of(cycle)["MIL"]}
    refused = lead.post(f"/cycles/{cycle['id']}/transitions", data={**form, "comment": ""})
    assert refused.status_code == 302  # post/redirect/get: the reason asked for on the page it leads to
    assert "corrig" in lead.get(refused.headers["Location"]).get_data(as_text=True)
    done = lead.post(f"/cycles/{cycle['id']}/transitions", data={**form, "comment": "Chiffre erroné"})
    assert done.status_code == 302
    assessment = lead.get(f"/cycles/{cycle['id']}/assessment").get_data(as_text=True)
    assert "PROJET — non approuvé" in assessment and "Rouverte pour correction" in assessment


def test_the_focal_point_corrects_a_value_on_the_page_giving_the_reason_and_sees_its_history(app, api, cycle):
    approve(api, cycle)
    mil = submissions_of(cycle)["MIL"]
    ok(reopen(api, LEAD, cycle, comment="MIL-1 is wrong", submission=mil))
    client = web_client(app, fp("MIL"))
    url = f"/submissions/{mil}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="change_reason-MIL-1"' in page and "required if you change it" in page
    form = {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "expected_version": re.search(r'name="expected_version" type="hidden" value="(\d+)"', page).group(1),
        "value-MIL-1": "412",
        "value-MIL-2": "55",
    }
    refused = client.post(url, data=form)
    assert refused.status_code == 302  # post/redirect/get: what was typed comes back on the page
    shown = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert 'value="412"' in shown  # what was typed is kept
    assert "MIL-1 was approved by leadership: say why its value changes" in shown
    assert ok(api(fp("MIL")).get(f"/api/v1/submissions/{mil}"))["indicator_values"][0]["value"] == 437
    saved = client.post(url, data={**form, "change_reason-MIL-1": "Recounted"})
    assert saved.status_code == 302
    page = " ".join(client.get(url).get_data(as_text=True).split())
    assert "437 → <strong>412</strong> — Recounted" in page
    assert ok(api(fp("MIL")).get(f"/api/v1/submissions/{mil}"))["indicator_values"][0]["value"] == 412


def _before_corrections(body: dict) -> None:
    """quarterly_assessment as it was at version 1: no correction state, closed was final."""
    body["version"] = 1
    del body["states"]["correction"]
    body["states"]["closed"]["final"] = True
    body["transitions"] = [
        t for t in body["transitions"] if t["trigger"] != "reopen_for_correction" and t["source"] != "correction"
    ]
    for t in body["transitions"]:
        if t["trigger"] == "submit_for_signoff":
            t["source"] = "joint_review"
        if t["trigger"] == "cancel":
            t["source"] = "*"


def test_a_cycle_started_before_corrections_existed_keeps_its_version_and_cannot_be_reopened(app, api, tmp_path):
    from tests.workflow_helpers import current_workflows, edited_workflows

    published_framework(api)
    with current_workflows(app, edited_workflows(tmp_path, quarterly_assessment=_before_corrections)):
        old = start_cycle(api, period=PERIOD)
    assert old["workflow_version"] == 1
    old = ok(fire(api, SPU, old["id"], "open_input"))
    for s in old["submissions"]:
        body = {"narrative": "Input.", "rating": "on_track", "indicator_values": VALUES[s["component"]]}
        ok(api(fp(s["component"])).put(f"/api/v1/submissions/{s['id']}", json=body))
    assert approve(api, old)["state"] == "followup"  # published by the same rule as any version
    assert where_mil_1_is(app, api, 437)["api"] is True
    refused = reopen(api, LEAD, old, comment="Wrong", submission=submissions_of(old)["MIL"])
    assert refused.status_code == 422 and "unknown trigger" in refused.get_json()["error"]["message"]
    new = start_cycle(api, period="2027-Q1", input_due="2027-01-15")
    assert new["workflow_version"] > 1  # new cycles run on the shipped version, which knows corrections
