"""Lists that grow with a mission's history, a page at a time: the page size, reading whole-number
arguments of a query string (a clear 400 naming the argument otherwise), writing a filter back."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cpas_workflow.core.errors import BadRequest

PAGE_SIZE = 50


def whole_arg(args, name: str, low: int, high: int) -> int | None:
    """The query-string argument `name` as a whole number from `low` to `high`; None when absent."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(
            _l("%(name)s must be a whole number from %(low)s to %(high)s", name=name, low=low, high=high),
            fields={name: "not a number"},
        )
    return int(raw)


def query_args(values: dict) -> dict:
    """A filter as query-string arguments: unset ones and the first page left out."""
    return {k: v for k, v in values.items() if v is not None and not (k == "page" and v == 1)}
