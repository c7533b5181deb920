"""API: the caller's notification centre — what is new for them, and marking it read."""

from __future__ import annotations

from flask import jsonify, request

from cpas_workflow.api import bp
from cpas_workflow.api.openapi import INT, PATHS, ROW_ID, B, S, _obj, _op
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.core.errors import BadRequest, ValidationFailed
from cpas_workflow.core.listing import PAGE_SIZE, whole_arg
from notifications import inbox


def notice_json(n) -> dict:
    return {
        "id": n.id,
        "at": n.created_at.isoformat(),
        "kind": n.kind,
        "text": n.text(),
        "url": n.url,
        "read": n.read_at is not None,
    }


def _id_of(item) -> int:
    """A notification id: a whole number (JSON's 3.0 is 3) from 1 to the largest id."""
    if isinstance(item, bool) or not isinstance(item, int | float) or item != int(item):
        raise BadRequest("every item of 'ids' must be a whole number", fields={"ids": "wrong item type"})
    if not 1 <= item <= DB_ID_MAX:
        raise ValidationFailed(f"every id must be a whole number from 1 to {DB_ID_MAX}", fields={"ids": "out of range"})
    return int(item)


@bp.get("/me/notifications")
def my_notifications():
    """Newest first, `?limit=` (default 50, at most 1,000) and `?offset=` for a page, `?unread=1` for unread only."""
    user = current_user()
    limit = whole_arg(request.args, "limit", 1, 1000) or PAGE_SIZE
    offset = whole_arg(request.args, "offset", 0, 10**9) or 0
    unread_only = request.args.get("unread") in ("1", "true")
    items = inbox.notices_of(user, limit=limit, offset=offset, unread_only=unread_only)
    return jsonify({"unread": inbox.unread_count(user), "items": [notice_json(n) for n in items]})


@bp.post("/me/notifications/read")
def read_notifications():
    """`{"ids": [...]}` marks those read, `{"all": true}` every one; ids of others' notices change nothing."""
    data = read({"ids": Field(list), "all": Field(bool)})
    if ("ids" in data) == ("all" in data):
        raise BadRequest("send either 'ids' (a list of notification ids) or 'all': true", fields={"ids": "or all"})
    if "all" in data and data["all"] is not True:
        raise ValidationFailed("'all' marks everything read only when true", fields={"all": "must be true"})
    ids = None if "all" in data else [_id_of(i) for i in data["ids"]]
    inbox.mark_read(current_user(), ids)
    commit()
    return "", 204


NOTICE = _obj(
    {"id": INT, "at": S, "kind": {"type": "string", "enum": list(inbox.KINDS)}, "text": S, "url": S, "read": B},
    ["id", "at", "kind", "text", "url", "read"],
)
PATHS.update(
    {
        "/me/notifications": {
            "get": {
                **_op(
                    "The caller's notifications, newest first (a page), with the number unread",
                    "Notifications",
                    _obj({"unread": INT, "items": {"type": "array", "items": NOTICE}}, ["unread", "items"]),
                    errors=("400", "401"),
                ),
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10**9}},
                    {"name": "unread", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]}},
                ],
            }
        },
        "/me/notifications/read": {
            "post": _op(
                "Mark notifications read: {ids: [...]} or {all: true}",
                "Marked",
                None,
                {
                    "oneOf": [
                        _obj({"ids": {"type": "array", "maxItems": 1000, "items": ROW_ID}}, ["ids"]),
                        _obj({"all": {"const": True}}, ["all"]),
                    ]
                },
                status="204",
                errors=("400", "401", "422"),
            )
        },
    }
)
