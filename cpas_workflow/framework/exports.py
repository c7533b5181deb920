"""Files out: indicator values and frameworks as CSV and XLSX, reports as PDF (WeasyPrint)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from cpas_workflow.framework.imports import COLUMNS
from cpas_workflow.framework.models import FrameworkVersion, IndicatorValue
from cpas_workflow.framework.values import KIND_RANGES, number_of

VALUE_COLUMNS = (
    "indicator",
    "title",
    "period",
    "component",
    "value",
    "unit",
    "kind",
    "no_data_reason",
    "note",
    "baseline",
    "target",
    "direction",
    "cycle",
    "status",
)
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value_cell(value: IndicatorValue):
    if value.no_data_reason is not None:
        return ""
    shown = value.value
    if isinstance(shown, bool):
        return "yes" if shown else "no"
    if isinstance(shown, float) and shown.is_integer():
        return int(shown)
    return shown


def _level_cell(indicator, text: str | None):
    """A baseline or target: a number cell for numeric kinds, so any importer's language reads it."""
    number = number_of(indicator.kind, indicator.allowed_levels, text) if indicator.kind in KIND_RANGES else None
    return _number_cell(number) if number is not None else (text or "")


def _number_cell(number: float | None):
    if number is None:
        return ""
    return int(number) if number.is_integer() else number


def value_rows(rows: list[IndicatorValue]) -> list[list]:
    return [
        [
            v.indicator.code,
            v.indicator.title,
            v.period,
            v.component.code,
            _value_cell(v),
            v.indicator.unit,
            v.indicator.kind,
            v.no_data_reason or "",
            v.note or "",
            v.indicator.baseline_value or "",
            v.indicator.target_value or "",
            v.indicator.direction,
            v.submission.cycle_id,
            "published" if v.is_published else "draft",
        ]
        for v in rows
    ]


def framework_rows(version: FrameworkVersion) -> list[list]:
    """The framework in the import layout, so an export can be edited and imported again."""
    rows = []

    def result_row(result) -> list:
        cells = {
            "type": result.level,
            "code": result.code,
            "parent": result.parent.code if result.parent else "",
            "title": result.title,
            "components": ", ".join(result.component_codes),
        }
        return [cells.get(c, "") for c in COLUMNS]

    def indicator_row(i) -> list:
        cells = {
            "type": "indicator",
            "code": i.code,
            "parent": i.result.code,
            "title": i.title,
            "responsible": i.component.code,
            "kind": i.kind,
            "unit": i.unit,
            "levels": i.levels,
            "direction": i.direction,
            "baseline": _level_cell(i, i.baseline_value),
            "baseline_date": i.baseline_date.isoformat() if i.baseline_date else "",
            "target": _level_cell(i, i.target_value),
            "target_date": i.target_date.isoformat() if i.target_date else "",
            "minimum": _number_cell(i.minimum),
            "maximum": _number_cell(i.maximum),
            "definition": i.definition,
            "data_source": i.data_source,
            "frequency": i.frequency,
            "headline": "yes" if i.is_headline else "",
        }
        return [cells.get(c, "") for c in COLUMNS]

    def walk(result) -> None:
        rows.append(result_row(result))
        rows.extend(indicator_row(i) for i in result.indicators)
        for child in result.children:
            walk(child)

    for priority in version.of_level("priority"):
        walk(priority)
    return rows


def _safe(cell):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe(c) for c in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(header, rows, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(c) for c in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(html: str) -> bytes:
    """The print templates carry their styles and charts inline, so nothing is fetched."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the printable pages load nothing from outside ({url})")
