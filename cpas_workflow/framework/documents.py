"""The assessment report and the factsheet as PDF files, one way for the API and the pages alike.
Each is rendered in the reader's language; a factsheet of a period without a cycle is not found."""

from __future__ import annotations

from flask import Response, render_template
from flask_babel import force_locale

from cpas_workflow.core.errors import NotFound
from cpas_workflow.framework import exports, reports


def assessment_pdf(cycle, language: str | None) -> Response:
    """The cycle's report (the cycle loaded with `cycle_queries.for_api()`), as a download."""
    with force_locale(language or "en"):
        html = render_template("framework/report_print.html", **reports.assessment(cycle))
    return attachment(exports.to_pdf(html), "application/pdf", f"{cycle.mission.code}-{cycle.period}-assessment.pdf")


def factsheet_pdf(mission, period: str, language: str | None) -> Response:
    with force_locale(language or "en"):
        data = reports.factsheet(mission, period)
        if data["cycle"] is None:
            raise NotFound(f"{mission.code} has no assessment cycle for {period}")
        html = render_template("framework/factsheet_print.html", **data)
    return attachment(exports.to_pdf(html), "application/pdf", f"{mission.code}-{period}-factsheet.pdf")


def attachment(body: bytes, content_type: str, filename: str) -> Response:
    """A file the browser saves rather than shows. `content_type` is sent as given (a `mimetype` with
    its charset already in it would get a second one)."""
    disposition = f'attachment; filename="{filename}"'
    return Response(body, content_type=content_type, headers={"Content-Disposition": disposition})


def spreadsheet(header, rows, fmt: str, sheet: str, filename: str) -> Response:
    """Rows to download as CSV or XLSX (`fmt`); `sheet` names the workbook's sheet."""
    if fmt == "csv":
        return attachment(exports.to_csv(header, rows), exports.CSV_TYPE, filename)
    return attachment(exports.to_xlsx(header, rows, sheet), exports.XLSX_TYPE, filename)
