"""A component's indicator values for the period of its submission: checked against each
indicator's kind and range (the same check for the web form, the API and any import), an optional
source note, or "no data" with a reason."""

from __future__ import annotations

from cpas_workflow.core import audit, clock
from cpas_workflow.core.errors import ValidationFailed
from cpas_workflow.engine.firing import subject_label
from cpas_workflow.extensions import db
from cpas_workflow.framework import queries, values
from cpas_workflow.framework.models import IndicatorValue, IndicatorValueChange

ITEM_KEYS = ("indicator", "value", "note", "no_data_reason", "change_reason")
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
    why = item.get("change_reason")
    for name, text in (("note", note), ("no_data_reason", reason), ("change_reason", why)):
        if text is not None and not isinstance(text, str):
            problems[f"{where}.{name}"] = f"{code}: {name} must be text"
            return None
        if text is not None and len(text) > MAX_NOTE:
            problems[f"{where}.{name}"] = f"{code}: {name} has at most {MAX_NOTE} characters"
            return None
    reason = (reason or "").strip() or None
    why = (why or "").strip() or None
    if raw is None:
        if reason is None:
            problems[f"{where}.no_data_reason"] = f"{code} has no value: say why there is no data"
            return None
        return {
            "indicator": indicator,
            "number": None,
            "text": None,
            "note": (note or "").strip(),
            "reason": reason,
            "why": why,
        }
    if reason is not None:
        problems[f"{where}.no_data_reason"] = f"{code} has a value: a no-data reason is given only without one"
        return None
    try:
        number, text = values.parse(indicator.kind, indicator.allowed_levels, raw, indicator.minimum, indicator.maximum)
    except values.BadValue as exc:
        problems[f"{where}.value"] = f"{code} ({indicator.title}) {exc}"
        return None
    return {
        "indicator": indicator,
        "number": number,
        "text": text,
        "note": (note or "").strip(),
        "reason": None,
        "why": why,
    }


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
    _keep_history(submission, existing, {e["indicator"].code: e for e in checked}, actor, now)
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


def _stored(row: IndicatorValue | None) -> tuple:
    return (None, None, None) if row is None else (row.value_number, row.value_text, row.no_data_reason)


def _keep_history(submission, existing: dict, entries: dict, actor, now) -> None:
    """Every change of a value that was submitted is kept (who, when, old → new, why) and audited.
    Once the cycle has been approved, a change needs its reason: the value may have been published."""
    submitted_at = queries.last_submitted_at(submission)
    if submitted_at is None:
        return
    needs_reason = queries.first_published_at(submission.cycle) is not None
    problems: dict[str, str] = {}
    changes = []
    for code, row in existing.items():
        if row.created_at > submitted_at:
            continue  # added since the last submission: not submitted yet
        entry = entries.get(code)
        new = (None, None, None) if entry is None else (entry["number"], entry["text"], entry["reason"])
        if new == _stored(row):
            continue
        why = entry["why"] if entry else None
        if needs_reason and not why:
            problems[f"indicator_values.{code}.change_reason"] = (
                f"{code} was approved by leadership: say why its value changes"
            )
        changes.append((row, new, why))
    if problems:
        raise ValidationFailed("indicator values refused: " + "; ".join(problems.values()), fields=problems)
    for row, new, why in changes:
        change = IndicatorValueChange(
            submission_id=submission.id,
            indicator_id=row.indicator_id,
            at=now,
            actor_id=actor.id,
            old_number=row.value_number,
            old_text=row.value_text,
            old_no_data_reason=row.no_data_reason,
            new_number=new[0],
            new_text=new[1],
            new_no_data_reason=new[2],
            reason=why,
        )
        db.session.add(change)
        audit.record(
            "change_value",
            actor=actor,
            subject=subject_label(submission),
            mission_id=submission.cycle.mission_id,
            cycle_id=submission.cycle_id,
            comment=f"{row.indicator.code} {submission.cycle.period}: {shown_change(row.indicator, change)}"
            + (f" — {why}" if why else ""),
        )


def shown_change(indicator, change: IndicatorValueChange) -> str:
    """'437 → 412' as stored (the audit trail keeps it in no reader's language)."""

    def one(number, text, no_data) -> str:
        if no_data is not None:
            return "no data"
        if number is None and text is None:
            return "removed"
        return text if text is not None else values.format_number(number)

    return (
        f"{one(change.old_number, change.old_text, change.old_no_data_reason)} → "
        f"{one(change.new_number, change.new_text, change.new_no_data_reason)}"
    )


def items_from_form(form, indicators, locale: str) -> list[dict]:
    """The page's fields (`value-CODE`, `note-CODE`, `no_data-CODE`, `reason-CODE`,
    `change_reason-CODE`) as API items, each typed value to be read in `locale` (the reader's
    language); an indicator left blank is left out (not reported yet)."""
    items = []
    for indicator in indicators:
        code = indicator.code
        raw = (form.get(f"value-{code}") or "").strip()
        note = (form.get(f"note-{code}") or "").strip()
        why = {"change_reason": form.get(f"change_reason-{code}") or ""}
        if form.get(f"no_data-{code}"):
            items.append(
                {
                    "indicator": code,
                    "value": None,
                    "note": note,
                    "no_data_reason": form.get(f"reason-{code}") or "",
                    **why,
                }
            )
        elif raw:
            items.append({"indicator": code, "value": values.Typed(raw, locale), "note": note, **why})
    return items


def missing_indicators(submission) -> list[str]:
    """The codes of the component's indicators with neither a value nor a no-data reason."""
    return queries.missing_indicator_codes(submission)


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


def serialize_published(value: IndicatorValue) -> dict:
    """A value of the mission's published set (or, asked for, a draft), as the API gives it."""
    return {
        **serialize(value),
        "cycle": value.submission.cycle_id,
        "status": "published" if value.is_published else "draft",
    }


def serialize_values(submission) -> list[dict]:
    return [serialize(v) for v in queries.values_of_submission(submission)]
