"""Reading request bodies: shape problems are 400, with a message naming the field at fault."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from cpas_workflow.core.errors import BadRequest, Conflict, ValidationFailed
from cpas_workflow.extensions import db

TYPE_NAMES = {
    str: "a string",
    int: "a whole number",
    list: "a list",
    dict: "an object",
    "date": "a date string YYYY-MM-DD",
}


@dataclass(frozen=True)
class Field:
    kind: Any  # str, int, list, dict or "date"
    required: bool = False
    nullable: bool = False
    items: Any = None  # for lists: the type of each item


def json_body() -> dict:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("the request needs a JSON object as its body")
    data = request.get_json(force=True, silent=True)
    if data is None:
        raise BadRequest("the body is not valid JSON")
    if not isinstance(data, dict):
        raise BadRequest(f"the body must be a JSON object, not {type(data).__name__}")
    return data


def read(spec: dict[str, Field], body: dict | None = None) -> dict[str, Any]:
    """Check `body` against `spec`: unknown fields, missing required ones and wrong types are 400."""
    body = json_body() if body is None else body
    unknown = sorted(set(body) - set(spec))
    if unknown:
        raise BadRequest(
            f"unknown field '{unknown[0]}' (this call takes: {', '.join(spec)})",
            fields={name: "unknown field" for name in unknown},
        )
    result: dict[str, Any] = {}
    for name, field in spec.items():
        if name not in body:
            if field.required:
                raise BadRequest(f"'{name}' is required", fields={name: "required"})
            continue
        result[name] = _typed(name, body[name], field)
    return result


def _typed(name: str, value: Any, field: Field) -> Any:
    if value is None:
        if field.nullable:
            return None
        raise BadRequest(f"'{name}' must be {TYPE_NAMES[field.kind]}, not null", fields={name: "wrong type"})
    if field.kind == "date":
        if not isinstance(value, str):
            raise BadRequest(f"'{name}' must be {TYPE_NAMES['date']}", fields={name: "wrong type"})
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(
                f"'{name}' is not a real date in the form YYYY-MM-DD: {value!r}", fields={name: "not a date"}
            ) from None
    if not isinstance(value, field.kind) or (field.kind is int and isinstance(value, bool)):
        raise BadRequest(
            f"'{name}' must be {TYPE_NAMES[field.kind]}, not {type(value).__name__}", fields={name: "wrong type"}
        )
    if field.items is not None and any(not isinstance(item, field.items) for item in value):
        raise BadRequest(f"every item of '{name}' must be {TYPE_NAMES[field.items]}", fields={name: "wrong item type"})
    return value


def commit() -> None:
    """The request boundary: commit once; a concurrent writer's win becomes a 409."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("someone else changed this at the same moment; reload and try again") from None
    except OperationalError as exc:
        db.session.rollback()
        if "locked" in str(exc).lower():
            raise Conflict("someone else is changing this right now; reload and try again") from None
        raise


def current_user():
    from flask import g

    return g.api_user
