"""Checks of user-typed values shared by every operation: lengths, dates, choices."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from cpas_workflow.core.errors import ValidationFailed


def clean_text(value: str | None, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(f"{field} must not be empty", fields={field: "required"})
    limit = max_length or current_app.config["CPAS_MAX_TEXT"]
    if len(text) > limit:
        raise ValidationFailed(
            f"{field} is {len(text)} characters long; at most {limit} are allowed",
            fields={field: f"at most {limit} characters"},
        )
    return text


def choice(value: str | None, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValidationFailed(
            f"{field} must be one of {', '.join(allowed)}, not {value!r}", fields={field: "not an allowed value"}
        )
    return value


def parse_date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{field} must be a date written YYYY-MM-DD, not {value!r}", fields={field: "not a date"}
        ) from None


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now: it is translated where it is shown
    (a template's `_(...)`, an e-mail rendered in its recipient's language). pybabel extracts N_."""
    return message
