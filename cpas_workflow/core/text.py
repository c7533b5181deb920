"""Checks of user-typed values shared by every operation: lengths, characters, dates, choices."""

from __future__ import annotations

import datetime as dt
import re

from flask import current_app

from cpas_workflow.core.errors import ValidationFailed

# Never stored: NUL (PostgreSQL refuses it), lone surrogates (no encoding can write them) and the
# other C0 controls except tab and line breaks.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A one-line field (a name, a title) additionally refuses line and paragraph breaks: they would break
# e-mail headers, the calendar feed and CSV cells.
_BREAKS = re.compile(r"[\r\n\x85\u2028\u2029]")


def bad_characters(text: str, *, one_line: bool = False) -> str | None:
    """What is wrong with the characters of `text`, or None."""
    found = _FORBIDDEN.search(text)
    if found:
        char = found.group(0)
        if "\ud800" <= char <= "\udfff":
            return "contains an invalid character (a lone surrogate)"
        return f"contains the control character U+{ord(char):04X}"
    if one_line and _BREAKS.search(text):
        return "must be one line (no line breaks)"
    return None


def one_line(value: str) -> str:
    """`value` folded onto one line: every line break or control character becomes a space (for e-mail
    headers, where text a user typed, such as a title in a subject, must never start a header of its own)."""
    return " ".join(_FORBIDDEN.sub(" ", _BREAKS.sub(" ", value)).split())


def clean_text(
    value: str | None,
    field: str,
    *,
    required: bool = False,
    max_length: int | None = None,
    one_line: bool = False,
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(f"{field} must not be empty", fields={field: "required"})
    limit = max_length or current_app.config["CPAS_MAX_TEXT"]
    if len(text) > limit:
        raise ValidationFailed(
            f"{field} is {len(text)} characters long; at most {limit} are allowed",
            fields={field: f"at most {limit} characters"},
        )
    problem = bad_characters(text, one_line=one_line)
    if problem:
        raise ValidationFailed(f"{field} {problem}", fields={field: problem})
    return text


def clean_line(value: str | None, field: str, *, required: bool = False, max_length: int = 200) -> str:
    """A one-line field: a name, a title, a code."""
    return clean_text(value, field, required=required, max_length=max_length, one_line=True)


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


def latest_date(today: dt.date) -> dt.date:
    """The furthest a deadline or due date may lie: `CPAS_MAX_YEARS_AHEAD` years from today."""
    years = current_app.config["CPAS_MAX_YEARS_AHEAD"]
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def not_too_far_ahead(value: dt.date, field: str, today: dt.date) -> dt.date:
    """A deadline at most a few years ahead: a year-9999 deadline would never come, and the work would wait for it."""
    latest = latest_date(today)
    if value > latest:
        raise ValidationFailed(
            f"{field} {value.isoformat()} is too far ahead: at most {latest.isoformat()}",
            fields={field: f"at most {latest.isoformat()}"},
        )
    return value


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now: it is translated where it is shown
    (a template's `_(...)`, an e-mail rendered in its recipient's language). pybabel extracts N_."""
    return message
