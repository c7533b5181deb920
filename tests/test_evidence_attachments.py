"""Evidence: a focal point attaches files to the component's input while it is open, a component
head or the SPU attaches evidence to an action in follow-up; anyone of the mission lists and
downloads them (always as a download), nobody of another mission; files are checked by content and
size, and removed only by their uploader while the input is open, with the audit trail saying so."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from tests.cycle_helpers import LEAD, SPU, cycle_in, fire_submission, fp, head, ok
from tests.web_helpers import flashes, page, signed_in, token

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def multipart(data: bytes, filename: str, **fields: str) -> tuple[bytes, str]:
    """A multipart body built here (the test client spools bodies over 500 KB to a file it never closes)."""
    boundary = "----cpas-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
    parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(api, email, url, data: bytes, filename: str):
    body, content_type = multipart(data, filename)
    return api(email).post(url, data=body, content_type=content_type)


@pytest.fixture
def open_input(api):
    cycle = cycle_in(api, "component_input")
    return next(s for s in cycle["submissions"] if s["component"] == "CIV")


def test_a_focal_point_attaches_a_file_that_another_role_lists_and_downloads_as_a_download(api, open_input):
    url = f"/api/v1/submissions/{open_input['id']}/attachments"
    body = ok(upload(api, fp("CIV"), url, PDF, "Field report Q4.pdf"), 201)
    assert body["filename"] == "Field report Q4.pdf"
    assert body["size"] == len(PDF) and body["content_type"] == "application/pdf"
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["uploaded_by"] == fp("CIV") and body["at"].startswith("2026-10-01T08:00")
    listed = ok(api(LEAD).get(url))
    assert [a["id"] for a in listed] == [body["id"]]
    response = api(head("CIV")).get(f"/api/v1/attachments/{body['id']}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "Field report Q4.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def test_another_missions_people_get_404_for_the_file_and_its_list(api, app, open_input):
    from cpas_workflow.extensions import db
    from tests.probe_helpers import user_of_other_mission

    with app.app_context():
        user_of_other_mission("civ.fp@other.example", "focal_point", "CIV")
        db.session.remove()
    url = f"/api/v1/submissions/{open_input['id']}/attachments"
    attachment = ok(upload(api, fp("CIV"), url, PDF, "report.pdf"), 201)
    for email in ("spu@other.example", "civ.fp@other.example"):
        assert api(email).get(f"/api/v1/attachments/{attachment['id']}").status_code == 404
        assert api(email).get(url).status_code == 404
        assert upload(api, email, url, PDF, "mine.pdf").status_code == 404
    browser = signed_in(app, "spu@other.example")
    assert browser.get(f"/attachments/{attachment['id']}").status_code == 404


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 60, "budget.pdf", "Windows program"),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "notes.txt", "HTML"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "chart.png", "markup"),
        (b"PK\x03\x04" + b"junk", "sheet.xlsx", "cannot be read"),
        (b"", "empty.csv", "empty"),
    ],
)
def test_a_file_whose_content_is_not_an_allowed_type_is_refused_whatever_its_name(
    api, open_input, data, filename, reason
):
    url = f"/api/v1/submissions/{open_input['id']}/attachments"
    response = upload(api, fp("CIV"), url, data, filename)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert reason in error["message"] and filename in error["message"]
    assert "file" in error["fields"]
    assert ok(api(fp("CIV")).get(url)) == []


def test_a_zip_that_is_not_an_office_document_is_refused_and_a_docx_is_accepted(api, open_input):
    url = f"/api/v1/submissions/{open_input['id']}/attachments"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("payload.exe", "MZ")
    assert upload(api, fp("CIV"), url, out.getvalue(), "minutes.docx").status_code == 422
    body = ok(upload(api, fp("CIV"), url, docx(), "minutes.docx"), 201)
    assert body["content_type"].endswith("wordprocessingml.document")
    csv = "indicateur;valeur\nécoles;12\n".encode("cp1252")  # as older spreadsheets export it
    assert ok(upload(api, fp("CIV"), url, csv, "data.csv"), 201)["content_type"] == "text/csv"
    assert ok(upload(api, fp("CIV"), url, PNG, "photo.png"), 201)["content_type"] == "image/png"


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(api, app, open_input):
    url = f"/api/v1/submissions/{open_input['id']}/attachments"
    app.config["CPAS_MAX_ATTACHMENT_MB"] = 1
    try:
        response = upload(api, fp("CIV"), url, PDF + b"0" * (1024 * 1024), "big.pdf")
        assert upload(api, fp("CIV"), url, PDF + b"0" * (1024 * 1000), "fits.pdf").status_code == 201
    finally:
        app.config["CPAS_MAX_ATTACHMENT_MB"] = 10
    assert response.status_code == 422
    assert "at most 1 MB" in response.get_json()["error"]["message"]


def test_only_the_focal_point_attaches_and_only_while_the_input_is_open(api, open_input):
    url = f"/api/v1/submissions/{open_input['id']}/attachments"
    assert upload(api, head("CIV"), url, PDF, "r.pdf").status_code == 403
    assert upload(api, fp("MIL"), url, PDF, "r.pdf").status_code == 403
    attachment = ok(upload(api, fp("CIV"), url, PDF, "r.pdf"), 201)
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{open_input['id']}", json={"narrative": "n", "rating": "on_track"}))
    ok(fire_submission(api, fp("CIV"), open_input["id"], "submit"))
    response = upload(api, fp("CIV"), url, PDF, "late.pdf")
    assert response.status_code == 409 and "returned" in response.get_json()["error"]["message"]
    assert (
        api(fp("CIV"))
        .client.delete(f"/api/v1/attachments/{attachment['id']}", headers=api(fp("CIV")).headers)
        .status_code
        == 409
    )


def test_the_uploader_removes_a_file_while_the_input_is_open_and_the_trail_says_so(api, open_input):
    url = f"/api/v1/submissions/{open_input['id']}/attachments"
    attachment = ok(upload(api, fp("CIV"), url, PDF, "wrong file.pdf"), 201)
    other = api(SPU)
    assert other.client.delete(f"/api/v1/attachments/{attachment['id']}", headers=other.headers).status_code == 403
    mine = api(fp("CIV"))
    assert mine.client.delete(f"/api/v1/attachments/{attachment['id']}", headers=mine.headers).status_code == 204
    assert ok(mine.get(url)) == []
    assert mine.get(f"/api/v1/attachments/{attachment['id']}").status_code == 404
    cycle_id = ok(api(SPU).get(f"/api/v1/submissions/{open_input['id']}"))["cycle"]
    events = ok(api(SPU).get(f"/api/v1/cycles/{cycle_id}/events"))
    actions = [(e["action"], e["actor"]) for e in events if "attach" in e["action"]]
    assert actions == [("attach_file", fp("CIV")), ("delete_attachment", fp("CIV"))]
    assert "wrong file.pdf" in events[-1]["comment"]


def test_the_head_or_the_spu_attaches_evidence_to_an_action_in_follow_up(api):
    cycle = cycle_in(api, "followup")
    rid = cycle["recommendations"][0]["id"]
    url = f"/api/v1/recommendations/{rid}/attachments"
    assert ok(upload(api, head("CIV"), url, PDF, "minutes.pdf"), 201)["uploaded_by"] == head("CIV")
    assert ok(upload(api, SPU, url, PNG, "photo.png"), 201)["uploaded_by"] == SPU
    assert upload(api, fp("CIV"), url, PDF, "x.pdf").status_code == 403
    assert upload(api, head("MIL"), url, PDF, "x.pdf").status_code == 403
    assert [a["filename"] for a in ok(api("viewer@demo.example").get(url))] == ["minutes.pdf", "photo.png"]


def test_lists_are_paged(api, open_input):
    url = f"/api/v1/submissions/{open_input['id']}/attachments"
    for n in range(3):
        ok(upload(api, fp("CIV"), url, PDF + str(n).encode(), f"r{n}.pdf"), 201)
    assert [a["filename"] for a in ok(api(SPU).get(url + "?limit=2"))] == ["r0.pdf", "r1.pdf"]
    assert [a["filename"] for a in ok(api(SPU).get(url + "?limit=2&offset=2"))] == ["r2.pdf"]
    assert api(SPU).get(url + "?limit=0").status_code == 400


def test_the_submission_page_uploads_lists_and_downloads(app, api, open_input):
    sid = open_input["id"]
    browser = signed_in(app, fp("CIV"))
    html = page(browser, f"/submissions/{sid}")
    assert 'enctype="multipart/form-data"' in html
    response = browser.post(
        f"/submissions/{sid}/attachments",
        data={"file": (io.BytesIO(PDF), "Rapport.pdf"), "csrf_token": token(browser)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    html = page(browser, f"/submissions/{sid}")
    assert "Rapport.pdf" in html and "Civilian" in html or "Rapport.pdf" in html
    response = browser.post(
        f"/submissions/{sid}/attachments",
        data={"file": (io.BytesIO(b"MZ" + b"\x00" * 10), "virus.pdf"), "csrf_token": token(browser)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert any("virus.pdf" in f and "not attached" in f for f in flashes(page(browser, f"/submissions/{sid}")))
    lead = signed_in(app, LEAD)
    html = page(lead, f"/submissions/{sid}")
    assert "Rapport.pdf" in html and 'type="file"' not in html
    attachment_id = ok(api(LEAD).get(f"/api/v1/submissions/{sid}/attachments"))[0]["id"]
    response = lead.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_the_cycle_report_names_the_files_without_linking_them(app, api):
    cycle = cycle_in(api, "followup")
    rid = cycle["recommendations"][0]["id"]
    ok(upload(api, head("CIV"), f"/api/v1/recommendations/{rid}/attachments", PDF, "Alert network minutes.pdf"), 201)
    html = page(signed_in(app, LEAD), f"/cycles/{cycle['id']}/report")
    assert "Alert network minutes.pdf" in html and "Strengthen early warning" in html
    assert "/attachments/" not in html
    pdf = api(LEAD).get(f"/api/v1/cycles/{cycle['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
