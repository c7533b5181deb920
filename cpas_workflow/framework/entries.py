"""A component's indicator values for the period of its submission: checked against each
indicator's kind and range (the same check for the web form, the API and any import), an optional
source note, or "no data" with a reason."""

from __future__ import annotations

from cpas_workflow.core import clock
from cpas_workflow.core.errors import ValidationFailed
from cpas_workflow.extensions import db
from cpas_workflow.framework import queries, values
from cpas_workflow.framework.models import IndicatorValue

ITEM_KEYS = ("indicator", "value", "note", "no_data_reason")
MAX_NOTE = 2000


def _check_item(index: int, item, indicators: dict, seen: set, problems: dict) -> dict | None:
    where = f"indicator_values[{index}]"
    if not isinstance(item, dict):
        problems[where] = "each item is an object {indicator, value, note, no_data_reason}"
        return None
    unknown = sorted(set(item) - set(ITEM_KEYS))
    if unknown:
        problems[f"{where}.{unknown[0]}"] = f"unknown field; an item has {', '.join(ITEM_KEYS)}"
        return None
    code = item.get("indicator")
    indicator = indicators.get(code) if isinstance(code, str) else None
    if indicator is None:
        problems[f"{where}.indicator"] = (
            f"{code!r} is not an indicator of this component (it reports on {', '.join(indicators) or 'none'})"
        )
        return None
    where = f"indicator_values.{code}"
    if code in seen:
        problems[f"{where}.indicator"] = f"{code} is given twice"
        return None
    seen.add(code)
    note, reason, raw = item.get("note"), item.get("no_data_reason"), item.get("value")
    for name, text in (("note", note), ("no_data_reason", reason)):
        if text is not None and not isinstance(text, str):
            problems[f"{where}.{name}"] = f"{code}: {name} must be text"
            return None
        if text is not None and len(text) > MAX_NOTE:
            problems[f"{where}.{name}"] = f"{code}: {name} has at most {MAX_NOTE} characters"
            return None
    reason = (reason or "").strip() or None
    if raw is None:
        if reason is None:
            problems[f"{where}.no_data_reason"] = f"{code} has no value: say why there is no data"
            return None
        return {"indicator": indicator, "number": None, "text": None, "note": (note or "").strip(), "reason": reason}
    if reason is not None:
        problems[f"{where}.no_data_reason"] = f"{code} has a value: a no-data reason is given only without one"
        return None
    try:
        number, text = values.parse(indicator.kind, indicator.allowed_levels, raw, indicator.minimum, indicator.maximum)
    except values.BadValue as exc:
        problems[f"{where}.value"] = f"{code} ({indicator.title}) {exc}"
        return None
    return {"indicator": indicator, "number": number, "text": text, "note": (note or "").strip(), "reason": None}


def save_values(submission, items, actor) -> None:
    """Make the submission's values exactly `items` (access was checked by the calling operation)."""
    if not isinstance(items, list):
        raise ValidationFailed("indicator_values must be a list", fields={"indicator_values": "not a list"})
    indicators = {i.code: i for i in queries.indicators_of(submission)}
    problems: dict[str, str] = {}
    seen: set[str] = set()
    checked = [_check_item(n, item, indicators, seen, problems) for n, item in enumerate(items)]
    if problems:
        raise ValidationFailed("indicator values refused: " + "; ".join(problems.values()), fields=problems)
    existing = {v.indicator.code: v for v in queries.values_of_submission(submission)}
    now = clock.now()
    for entry in checked:
        row = existing.pop(entry["indicator"].code, None)
        if row is None:
            row = IndicatorValue(
                submission_id=submission.id,
                indicator=entry["indicator"],
                component_id=submission.component_id,
                period=submission.cycle.period,
                created_at=now,
            )
            db.session.add(row)
        row.value_number, row.value_text = entry["number"], entry["text"]
        row.note, row.no_data_reason, row.updated_at = entry["note"], entry["reason"], now
    for row in existing.values():
        db.session.delete(row)
    db.session.flush()


def items_from_form(form, indicators, locale: str) -> list[dict]:
    """The page's fields (`value-CODE`, `note-CODE`, `no_data-CODE`, `reason-CODE`) as API items,
    each typed value to be read in `locale` (the reader's language); an indicator left blank is left
    out (not reported yet)."""
    items = []
    for indicator in indicators:
        code = indicator.code
        raw = (form.get(f"value-{code}") or "").strip()
        note = (form.get(f"note-{code}") or "").strip()
        if form.get(f"no_data-{code}"):
            items.append(
                {"indicator": code, "value": None, "note": note, "no_data_reason": form.get(f"reason-{code}") or ""}
            )
        elif raw:
            items.append({"indicator": code, "value": values.Typed(raw, locale), "note": note})
    return items


def missing_indicators(submission) -> list[str]:
    """The codes of the component's indicators with neither a value nor a no-data reason."""
    given = {v.indicator.code for v in queries.values_of_submission(submission)}
    return [i.code for i in queries.indicators_of(submission) if i.code not in given]


def serialize(value: IndicatorValue) -> dict:
    indicator = value.indicator
    return {
        "indicator": indicator.code,
        "title": indicator.title,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "period": value.period,
        "component": value.component.code,
        "value": value.value,
        "note": value.note,
        "no_data_reason": value.no_data_reason,
    }


def serialize_values(submission) -> list[dict]:
    return [serialize(v) for v in queries.values_of_submission(submission)]
