"""Reading request bodies: shape problems are 400, with a message naming the field at fault."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l

from cpas_workflow.core.errors import BadRequest, ValidationFailed
from cpas_workflow.refusals import commit  # noqa: F401  (the one request boundary, for the API modules)

TYPE_NAMES = {
    str: _l("a string"),
    int: _l("a whole number"),
    list: _l("a list"),
    dict: _l("an object"),
    "date": _l("a date string YYYY-MM-DD"),
}
VERSION_MAX = 2**31 - 1
MAX_DIGITS = 1000  # a JSON number longer than this is not read at all


@dataclass(frozen=True)
class Field:
    kind: Any  # str, int, list, dict or "date"
    required: bool = False
    nullable: bool = False
    items: Any = None  # for lists: the type of each item
    minimum: int = 0  # for whole numbers: the range the field takes
    maximum: int = VERSION_MAX
    max_items: int = 1000  # for lists


class _Refused(Exception):
    """A JSON number the parser must not turn into a value (NaN, Infinity, 1e400)."""


def _refuse_constant(name: str):
    raise _Refused(_l("%(name)s is not a number JSON allows", name=name))


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _Refused(_l("the number %(number)s is out of range", number=text[:40]))
    return number


def _bounded_int(text: str) -> int:
    """Whole numbers are read as they are (each field then says its range: `10**400` is a 422 naming
    it); only a number too long to be read at all is malformed."""
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"the number {text[:40]}… has more than {MAX_DIGITS} digits")
    return int(text)


def json_body() -> dict:
    """The request body as a JSON object, bounded in size and depth, with only finite numbers and
    strings every database can store; anything else is a 400 saying what is wrong."""
    cached = g.get("_json_body")
    if cached is not None:
        return cached
    limit = current_app.config["CPAS_MAX_JSON_BYTES"]
    if (request.content_length or 0) > limit:
        raise BadRequest(_l("the body is larger than %(limit)s bytes", limit=limit), fields={"body": "too large"})
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise BadRequest(_l("the body is larger than %(limit)s bytes", limit=limit), fields={"body": "too large"})
    if not raw.strip():
        raise BadRequest(_l("the request needs a JSON object as its body"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest(_l("the body is not valid JSON: it is not UTF-8 text")) from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise BadRequest(
            _l("the body is not valid JSON: it is nested too deeply"), fields={"body": "too deep"}
        ) from None
    except _Refused as exc:
        raise BadRequest(
            _l("the body is not valid JSON: %(problem)s", problem=exc.args[0]), fields={"body": "number out of range"}
        ) from None
    except ValueError:
        raise BadRequest(_l("the body is not valid JSON")) from None
    if not isinstance(data, dict):
        raise BadRequest(_l("the body must be a JSON object, not %(type)s", type=type(data).__name__))
    _check_tree(data, current_app.config["CPAS_MAX_JSON_DEPTH"])
    g._json_body = data
    return data


def _check_tree(data: Any, max_depth: int) -> None:
    """Walk the parsed body once (without recursion): its depth and the characters of every string."""
    stack: list[tuple[str, Any, int]] = [("", data, 1)]
    while stack:
        path, value, depth = stack.pop()
        if depth > max_depth:
            raise BadRequest(
                _l("the body is nested more than %(depth)s levels deep", depth=max_depth),
                fields={path or "body": "too deep"},
            )
        if isinstance(value, dict):
            for key, item in value.items():
                _check_string(f"{path}.{key}" if path else "(a key)", key)
                stack.append((f"{path}.{key}" if path else key, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str):
            _check_string(path, value)


def _check_string(path: str, value: str) -> None:
    if "\x00" in value:
        raise BadRequest(_l("'%(path)s' contains a NUL character", path=path), fields={path: "NUL character"})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(
            _l("'%(path)s' is not valid Unicode (a lone surrogate escape)", path=path), fields={path: "invalid Unicode"}
        ) from None


def read(spec: dict[str, Field], body: dict | None = None) -> dict[str, Any]:
    """Check `body` against `spec`: unknown fields, missing required ones and wrong types are 400."""
    body = json_body() if body is None else body
    unknown = sorted(set(body) - set(spec))
    if unknown:
        raise BadRequest(
            _l("unknown field '%(name)s' (this call takes: %(known)s)", name=unknown[0], known=", ".join(spec)),
            fields={name: "unknown field" for name in unknown},
        )
    result: dict[str, Any] = {}
    for name, field in spec.items():
        if name not in body:
            if field.required:
                raise BadRequest(_l("'%(name)s' is required", name=name), fields={name: "required"})
            continue
        result[name] = _typed(name, body[name], field)
    return result


def _typed(name: str, value: Any, field: Field) -> Any:
    if value is None:
        if field.nullable:
            return None
        raise BadRequest(
            _l("'%(name)s' must be %(type)s, not null", name=name, type=TYPE_NAMES[field.kind]),
            fields={name: "wrong type"},
        )
    if field.kind == "date":
        if not isinstance(value, str):
            raise BadRequest(
                _l("'%(name)s' must be %(type)s", name=name, type=TYPE_NAMES["date"]), fields={name: "wrong type"}
            )
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(
                _l(
                    "'%(name)s' is not a real date in the form YYYY-MM-DD: %(value)s", name=name, value=repr(value[:40])
                ),
                fields={name: "not a date"},
            ) from None
    if field.kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON has one kind of number: 3.0 is the whole number 3
    if not isinstance(value, field.kind) or (field.kind is int and isinstance(value, bool)):
        raise BadRequest(
            _l(
                "'%(name)s' must be %(type)s, not %(given)s",
                name=name,
                type=TYPE_NAMES[field.kind],
                given=type(value).__name__,
            ),
            fields={name: "wrong type"},
        )
    if field.items is not None and any(not isinstance(item, field.items) for item in value):
        raise BadRequest(
            _l("every item of '%(name)s' must be %(type)s", name=name, type=TYPE_NAMES[field.items]),
            fields={name: "wrong item type"},
        )
    if field.kind is int and not field.minimum <= value <= field.maximum:
        raise ValidationFailed(
            _l("'%(name)s' must be between %(low)s and %(high)s", name=name, low=field.minimum, high=field.maximum),
            fields={name: "out of range"},
        )
    if field.kind is list and len(value) > field.max_items:
        raise ValidationFailed(
            _l("'%(name)s' has more than %(count)s items", name=name, count=field.max_items),
            fields={name: "too many items"},
        )
    return value


def current_user():
    from flask import g

    return g.api_user
