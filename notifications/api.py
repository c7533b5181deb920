"""API: the caller's calendar address, and the administrators' view of the outbox."""

from __future__ import annotations

from flask import jsonify, request

from cpas_workflow.api import bp
from cpas_workflow.api.openapi import NS, PATHS, S, _obj, _op
from cpas_workflow.api.parsing import commit, current_user
from notifications import operations
from notifications.calendar import calendar_url
from notifications.models import STATUSES
from notifications.outbox import subject_of


@bp.get("/me/calendar")
def get_calendar():
    """Whether the caller has a calendar address; the address itself was shown once, when made."""
    return jsonify({"url": None, "active": current_user().calendar_token_hash is not None})


@bp.post("/me/calendar")
def create_calendar():
    """A new secret address, shown this once (any previous one stops working)."""
    token = operations.regenerate_calendar_token(current_user())
    commit()
    return jsonify({"url": calendar_url(token), "active": True}), 201


@bp.delete("/me/calendar")
def delete_calendar():
    operations.revoke_calendar_token(current_user())
    commit()
    return "", 204


@bp.get("/admin/outbox")
def admin_outbox():
    messages = operations.list_outbox(current_user(), request.args.get("status") or None)
    return jsonify(
        [
            {
                "id": m.id,
                "key": m.key,
                "recipient": m.recipient,
                "subject": subject_of(m),
                "status": m.status,
                "attempts": m.attempts,
                "last_error": m.last_error,
                "created_at": m.created_at.isoformat(),
                "next_attempt_at": m.next_attempt_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in messages
        ]
    )


CALENDAR = _obj({"url": NS, "active": {"type": "boolean"}}, ["url", "active"])
OUTBOX_ITEM = _obj(
    {
        "id": {"type": "integer"},
        "key": S,
        "recipient": S,
        "subject": S,
        "status": S,
        "attempts": {"type": "integer"},
        "last_error": NS,
        "created_at": S,
        "next_attempt_at": S,
        "sent_at": NS,
    },
)
PATHS.update(
    {
        "/me/calendar": {
            "get": _op(
                "Whether the caller has a calendar address (shown only when made: url is null here)",
                "Calendar",
                CALENDAR,
                errors=("401",),
            ),
            "post": _op(
                "Make a new calendar address, shown this once (the old one stops working)",
                "Calendar",
                CALENDAR,
                status="201",
                errors=("401",),
            ),
            "delete": {**_op("Switch the calendar address off", "Switched off", status="204", errors=("401",))},
        },
        "/admin/outbox": {
            "get": {
                **_op(
                    "Messages not yet sent (admin); ?status=pending|sending|sent|failed|skipped",
                    "Messages",
                    OUTBOX_ITEM,
                    errors=("401", "403", "422"),
                    array=True,
                ),
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": list(STATUSES)},
                    }
                ],
            }
        },
    }
)
