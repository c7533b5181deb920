"""Framework sheets are checked for size before parsing, and for what they unpack to and how many rows
they hold while streaming: malformed, sheet-less, entity-laden, bomb-like or oversized files are refused
with 422 naming the problem, quickly, and nothing is imported."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.cycle_helpers import SPU, ok
from tests.framework_helpers import GOOD_ROWS, csv_bytes, planning_cycle, upload, xlsx_bytes


def _replace_member(xlsx: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one of its zip members replaced (the rest as openpyxl wrote it)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


def _sheet_xml(rows: int) -> bytes:
    cells = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(1, rows + 1))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


def _refused(api, data: bytes, filename: str, field: str = "file") -> str:
    response = upload(api, data, filename)
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True)[:500])
    error = response.get_json()["error"]
    assert any(field in key for key in error["fields"]), error
    assert api(SPU).get("/api/v1/missions/DEMO/framework?version=draft").status_code == 404
    return error["message"]


@pytest.fixture
def plan(api):
    return planning_cycle(api)


def test_a_csv_cell_longer_than_the_csv_field_limit_is_refused(api, plan):
    rows = [dict(r) for r in GOOD_ROWS]
    rows[2]["definition"] = "d" * 131_073
    message = _refused(api, csv_bytes(rows), "f.csv", "row")
    assert "cannot be read as CSV" in message


def test_a_sheet_cell_with_a_line_break_in_a_one_line_column_is_refused(api, plan):
    rows = [dict(r) for r in GOOD_ROWS]
    rows[2]["title"] = "Incidents\r\nBcc: victim@example.org"
    rows[3]["definition"] = "Two lines\nare fine in a definition."
    message = _refused(api, csv_bytes(rows), "f.csv", "row 4, title")
    assert "line" in message and "row 5" not in message


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"PK\x03\x04 not really a zip", "not a readable XLSX"),
        (_replace_member(xlsx_bytes(GOOD_ROWS), "xl/workbook.xml", b"<workbook><sheets><"), "not a readable XLSX"),
        (_replace_member(xlsx_bytes(GOOD_ROWS), "xl/worksheets/sheet1.xml", b"\x00\x01garbage"), "not a readable"),
    ],
)
def test_a_malformed_xlsx_is_refused(api, plan, data, problem):
    assert problem in _refused(api, data, "f.xlsx")


def test_an_xlsx_without_a_sheet_is_refused(api, plan):
    workbook = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
    )
    data = _replace_member(xlsx_bytes(GOOD_ROWS), "xl/workbook.xml", workbook)
    assert "no sheet" in _refused(api, data, "f.xlsx")


def test_an_xlsx_with_xml_entity_declarations_is_refused(api, plan):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10) for i in range(1, 9)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row></sheetData></worksheet>'
    )
    data = _replace_member(xlsx_bytes(GOOD_ROWS), "xl/worksheets/sheet1.xml", laughs)
    assert "entities" in _refused(api, data, "f.xlsx")


def test_an_xlsx_that_unpacks_to_far_more_than_the_limit_is_refused_while_unpacking(api, plan, app, monkeypatch):
    monkeypatch.setitem(app.config, "CPAS_MAX_IMPORT_UNPACKED_MB", 2)
    padding = b" " * (5 * 1024 * 1024)  # deflates to a few kilobytes
    sheet = _sheet_xml(3).replace(b"<sheetData>", padding + b"<sheetData>")
    data = _replace_member(xlsx_bytes(GOOD_ROWS), "xl/worksheets/sheet1.xml", sheet)
    assert len(data) < 100_000
    assert "unpacks to more than" in _refused(api, data, "f.xlsx")


def test_an_xlsx_with_200000_rows_is_refused_at_the_row_limit_without_reading_the_rest(api, plan):
    data = _replace_member(xlsx_bytes(GOOD_ROWS), "xl/worksheets/sheet1.xml", _sheet_xml(200_000))
    # as the raw body: the test client would spool a multipart body this size to a temporary file
    response = api(SPU).post("/api/v1/missions/DEMO/framework/import?filename=f.xlsx", data=data)
    assert response.status_code == 422
    assert "at most 2000 rows" in response.get_json()["error"]["message"]


def test_a_file_larger_than_the_upload_limit_is_refused_before_parsing(api, plan, app, monkeypatch):
    monkeypatch.setitem(app.config, "CPAS_MAX_IMPORT_MB", 1)
    data = csv_bytes(GOOD_ROWS) + b"\n" * (1024 * 1024)
    response = api(SPU).post("/api/v1/missions/DEMO/framework/import?filename=f.csv", data=data)  # the raw body
    assert response.status_code == 422 and "at most" in response.get_json()["error"]["message"]
    assert api(SPU).get("/api/v1/missions/DEMO/framework?version=draft").status_code == 404


def test_a_date_far_outside_any_plan_is_refused(api, plan):
    rows = [dict(r) for r in GOOD_ROWS]
    rows[2]["target_date"] = "9999-12-31"
    _refused(api, csv_bytes(rows), "f.csv", "row 4, target_date")


def test_a_good_sheet_still_imports(api, plan):
    ok(upload(api, xlsx_bytes(GOOD_ROWS), "f.xlsx"), 201)
    ok(upload(api, csv_bytes(GOOD_ROWS), "f.csv"), 201)
