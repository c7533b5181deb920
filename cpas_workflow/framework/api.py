"""API: a mission's results framework (read, import, export), indicator values as CSV/XLSX, the
assessment report and the factsheet as PDF. Everything is mission-scoped: another mission is 404."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l

from cpas_workflow.api import bp
from cpas_workflow.api.parsing import commit, current_user
from cpas_workflow.core import access
from cpas_workflow.core.errors import BadRequest, NotFound, ValidationFailed
from cpas_workflow.cycles import queries as cycle_queries
from cpas_workflow.cycles.operations import PERIOD
from cpas_workflow.framework import documents, entries, exports, operations, queries
from cpas_workflow.framework.imports import check_size
from cpas_workflow.framework.values import number_of


def _typed(indicator, text):
    if text is None or text == "":
        return None
    if indicator.kind in ("yes_no", "level"):
        return text
    number = number_of(indicator.kind, indicator.allowed_levels, text)
    return int(number) if indicator.kind == "count" and number is not None else number


def indicator_json(i) -> dict:
    return {
        "code": i.code,
        "title": i.title,
        "unit": i.unit,
        "direction": i.direction,
        "baseline": _typed(i, i.baseline_value),
        "target": _typed(i, i.target_value),
        "component": i.component.code,
        "kind": i.kind,
        "levels": i.allowed_levels,
        "definition": i.definition,
        "baseline_date": i.baseline_date.isoformat() if i.baseline_date else None,
        "target_date": i.target_date.isoformat() if i.target_date else None,
        "minimum": i.minimum,
        "maximum": i.maximum,
        "data_source": i.data_source,
        "frequency": i.frequency,
        "headline": i.is_headline,
    }


def framework_json(version) -> dict:
    def node(result, children_key=None) -> dict:
        body = {
            "code": result.code,
            "title": result.title,
            "components": result.component_codes,
            "indicators": [indicator_json(i) for i in result.indicators],
        }
        if children_key:
            body[children_key] = [node(child) for child in result.children]
        return body

    return {
        "version": version.number,
        "state": version.state,
        "mission": version.mission.code,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "priorities": [
            {
                "code": p.code,
                "title": p.title,
                "components": p.component_codes,
                "outcomes": [node(o, "outputs") for o in p.children],
            }
            for p in version.of_level("priority")
        ],
    }


def _period() -> str | None:
    period = request.args.get("period")
    if period is not None and not PERIOD.match(period):
        raise ValidationFailed(
            _l("period must look like 2026-Q3, not %(period)s", period=repr(period)), fields={"period": "bad period"}
        )
    return period


def _file(body: bytes, mimetype: str, filename: str) -> Response:
    return documents.attachment(body, mimetype, filename)


def _version(mission, which: str | None):
    if which == "draft":
        access.require(current_user(), "edit_framework", mission)
        version = queries.draft_version(mission)
    else:
        version = queries.published_version(mission)
    if version is None:
        raise NotFound(f"{mission.code} has no {'draft' if which == 'draft' else 'published'} results framework")
    return version


@bp.get("/missions/<code>/framework")
def get_framework(code: str):
    mission = cycle_queries.get_mission(code, current_user())
    return jsonify(framework_json(_version(mission, request.args.get("version"))))


@bp.get("/missions/<code>/framework.<any(csv, xlsx):fmt>")
def export_framework(code: str, fmt: str):
    mission = cycle_queries.get_mission(code, current_user())
    version = _version(mission, request.args.get("version"))
    rows = exports.framework_rows(version)
    name = f"{mission.code}-framework-v{version.number}.{fmt}"
    if fmt == "csv":
        return _file(exports.to_csv(exports.COLUMNS, rows), exports.CSV_TYPE, name)
    return _file(exports.to_xlsx(exports.COLUMNS, rows, "framework"), exports.XLSX_TYPE, name)


@bp.post("/missions/<code>/framework/import")
def import_framework(code: str):
    """The sheet as a multipart upload (field `file`), or as the raw body with `?filename=x.xlsx`."""
    user = current_user()
    mission = cycle_queries.get_mission(code, user)
    access.require(user, "edit_framework", mission)  # 403 before the sheet is even read
    check_size(request.args.get("filename", "the sheet"), request.content_length or 0)  # before reading it
    upload = request.files.get("file")
    if upload is not None:
        filename, data = upload.filename or "", upload.read()
    else:
        filename, data = request.args.get("filename", ""), request.get_data()
    if not data:
        raise BadRequest(
            _l("send the framework sheet as multipart field 'file' (or as the body with ?filename=name.xlsx)"),
            fields={"file": "required"},
        )
    version = operations.import_framework(mission, filename, data, user)
    commit()
    return jsonify(framework_json(version)), 201


def _values_file(rows, fmt: str, name: str) -> Response:
    table = exports.value_rows(rows)
    if fmt == "csv":
        return _file(exports.to_csv(exports.VALUE_COLUMNS, table), exports.CSV_TYPE, f"{name}.csv")
    return _file(exports.to_xlsx(exports.VALUE_COLUMNS, table, "indicator values"), exports.XLSX_TYPE, f"{name}.xlsx")


def _drafts(mission) -> bool:
    """`?drafts=1`: values not yet published too (spu and leadership of the mission only)."""
    raw = request.args.get("drafts", "0")
    if raw not in ("0", "1", "false", "true"):
        raise ValidationFailed(
            _l("drafts must be 1 or 0, not %(given)s", given=repr(raw)), fields={"drafts": "must be 1 or 0"}
        )
    if raw in ("0", "false"):
        return False
    access.require(current_user(), "see_draft_values", mission)
    return True


def _mission_values(mission, cycle=None) -> list:
    """The values a caller asked for, by the publication rule (the one query that says it)."""
    period = _period()
    return queries.mission_values(mission, period=period, cycle=cycle, drafts=_drafts(mission))


@bp.get("/missions/<code>/indicator-values")
def mission_values_json(code: str):
    mission = cycle_queries.get_mission(code, current_user())
    return jsonify([entries.serialize_published(v) for v in _mission_values(mission)])


@bp.get("/missions/<code>/indicator-values.<any(csv, xlsx):fmt>")
def mission_values(code: str, fmt: str):
    mission = cycle_queries.get_mission(code, current_user())
    rows = _mission_values(mission)
    period = request.args.get("period")
    return _values_file(rows, fmt, f"{mission.code}-indicator-values{'-' + period if period else ''}")


@bp.get("/cycles/<int:cycle_id>/indicator-values.<any(csv, xlsx):fmt>")
def cycle_values(cycle_id: int, fmt: str):
    cycle = cycle_queries.get_cycle(cycle_id, current_user())
    rows = _mission_values(cycle.mission, cycle)
    return _values_file(rows, fmt, f"{cycle.mission.code}-{cycle.period}-indicator-values")


@bp.get("/cycles/<int:cycle_id>/report.pdf")
def cycle_report_pdf(cycle_id: int):
    user = current_user()
    cycle = cycle_queries.get_cycle(cycle_id, user, options=cycle_queries.for_api())
    return documents.assessment_pdf(cycle, user.language)  # a document for people: in the caller's language


@bp.get("/missions/<code>/factsheet.pdf")
def factsheet_pdf(code: str):
    mission = cycle_queries.get_mission(code, current_user())
    period = _period()
    if period is None:
        raise BadRequest(_l("name the period: ?period=2026-Q3"), fields={"period": "required"})
    return documents.factsheet_pdf(mission, period, current_user().language)
