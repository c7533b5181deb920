"""Checks of user-typed values shared by every operation: lengths, characters, dates, choices."""

from __future__ import annotations

import datetime as dt
import re

from flask import current_app
from flask_babel import lazy_gettext as _l

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
            return _l("contains an invalid character (a lone surrogate)")
        code = f"U+{ord(char):04X}"
        return _l("contains the control character %(code)s", code=code)
    if one_line and _BREAKS.search(text):
        return _l("must be one line (no line breaks)")
    return None


# The fields that checks name, as a reader of the message's language calls them.
FIELD_NAMES = {
    "name": _l("name"),
    "comment": _l("comment"),
    "body": _l("body"),
    "title": _l("title"),
    "status": _l("status"),
    "role": _l("role"),
    "rating": _l("rating"),
    "notify": _l("notify"),
    "note": _l("note"),
    "narrative": _l("narrative"),
    "language": _l("language"),
    "kind": _l("kind"),
    "input_due": _l("input_due"),
    "due": _l("due"),
    "decision": _l("decision"),
    "reason": _l("reason"),
    "component": _l("component"),
    "co_owners": _l("co-owners"),
}


def field_name(field: str):
    """`field` as the reader of a message calls it (unknown names are shown as they are)."""
    return FIELD_NAMES.get(field, field)


def one_line(value: str) -> str:
    """`value` folded onto one line: every line break or control character becomes a space (for e-mail
    headers, where text a user typed, such as a title in a subject, must never start a header of its own)."""
    folded = _FORBIDDEN.sub(" ", _BREAKS.sub(" ", value))
    return re.sub(r"[ \t]+", " ", folded).strip(" \t")  # a no-break space (French: "tâche :") stays


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
        raise ValidationFailed(_l("%(field)s must not be empty", field=field_name(field)), fields={field: "required"})
    limit = max_length or current_app.config["CPAS_MAX_TEXT"]
    if len(text) > limit:
        raise ValidationFailed(
            _l(
                "%(field)s is %(length)s characters long; at most %(limit)s are allowed",
                field=field_name(field),
                length=len(text),
                limit=limit,
            ),
            fields={field: f"at most {limit} characters"},
        )
    problem = bad_characters(text, one_line=one_line)
    if problem:
        raise ValidationFailed(
            _l("%(field)s %(problem)s", field=field_name(field), problem=problem), fields={field: problem}
        )
    return text


def clean_line(value: str | None, field: str, *, required: bool = False, max_length: int = 200) -> str:
    """A one-line field: a name, a title, a code."""
    return clean_text(value, field, required=required, max_length=max_length, one_line=True)


def choice(value: str | None, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValidationFailed(
            _l(
                "%(field)s must be one of %(allowed)s, not %(value)s",
                field=field_name(field),
                allowed=", ".join(allowed),
                value=repr(value),
            ),
            fields={field: "not an allowed value"},
        )
    return value


def parse_date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _l(
                "%(field)s must be a date written YYYY-MM-DD, not %(value)s", field=field_name(field), value=repr(value)
            ),
            fields={field: "not a date"},
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
            _l(
                "%(field)s %(date)s is too far ahead: at most %(latest)s",
                field=field_name(field),
                date=value.isoformat(),
                latest=latest.isoformat(),
            ),
            fields={field: f"at most {latest.isoformat()}"},
        )
    return value


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now: it is translated where it is shown
    (a template's `_(...)`, an e-mail rendered in its recipient's language). pybabel extracts N_."""
    return message
