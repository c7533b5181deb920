"""The OpenAPI 3 document of `/api/v1`, served at `/api/v1/openapi.json`."""

from __future__ import annotations

import copy

from flask import jsonify

from cpas_workflow.accounts.models import LANGUAGES, NOTIFY_CHOICES
from cpas_workflow.api import bp
from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.recommendations.models import ACTION_STATUSES, DECISIONS, FATES, STAGES
from cpas_workflow.submissions.models import RATINGS

ERRORS = {
    "400": "Malformed body: not JSON, unknown field, wrong type, missing field",
    "401": "No token, or a bad or expired one",
    "403": "Authenticated but not allowed",
    "404": "Not found, or not visible to the caller",
    "409": "Stale expected_version, or a trigger not valid from the current state",
    "422": "A rule refuses: a guard, a missing required comment, a value out of range",
    "429": "Too many failed sign-ins for this account or address: wait the Retry-After seconds",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


S, INT, D, B = {"type": "string"}, {"type": "integer"}, {"type": "string", "format": "date"}, {"type": "boolean"}
NS, NINT = {"type": ["string", "null"]}, {"type": ["integer", "null"]}

# Request fields, as strict as the server (core/text.py, api/parsing.py): what the document calls valid
# is accepted. A one-line field has no control characters or line breaks; a text may span lines but has
# no other control character; a required one has something besides spaces.
_NO_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f"
_NO_BREAK = "\\x00-\\x1f\\x7f\\x85\\u2028\\u2029"
LINE = {"type": "string", "maxLength": 200, "pattern": f"^[^{_NO_BREAK}]*$"}
LINE_REQUIRED = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200,
    "pattern": f"^[^{_NO_BREAK}]*[^\\s{_NO_BREAK}][^{_NO_BREAK}]*$",
}
TEXT = {"type": "string", "maxLength": 20000, "pattern": f"^[^{_NO_CONTROL}]*$"}
TEXT_REQUIRED = {
    "type": "string",
    "minLength": 1,
    "maxLength": 20000,
    "pattern": f"^[^{_NO_CONTROL}]*[^\\s{_NO_CONTROL}][^{_NO_CONTROL}]*$",
}
N_TEXT = {**TEXT, "type": ["string", "null"]}
VERSION_IN = {"type": ["integer", "null"], "minimum": 0, "maximum": 2**31 - 1}
ROW_ID = {"type": "integer", "minimum": 1, "maximum": DB_ID_MAX}
PERIOD = {"type": "string", "pattern": "^\\d{4}(-Q[1-4]|-H[12]|-\\d{2})?$", "example": "2026-Q3"}
CODE = {"type": "string", "minLength": 1, "maxLength": 20, "pattern": "^[A-Z0-9_-]+$"}
CODES = {"type": "array", "items": CODE, "maxItems": 50}
TRANSITION = _obj({"trigger": S, "comment": N_TEXT, "expected_version": VERSION_IN}, ["trigger"])

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": S, "message": S, "fields": {"type": "object", "additionalProperties": S}},
            }
        },
    },
    "Role": {"type": "object", "properties": {"role": S, "mission": NS, "component": NS}},
    "Me": {
        "type": "object",
        "properties": {
            "id": INT,
            "email": S,
            "name": S,
            "roles": {"type": "array", "items": _ref("Role")},
            "acting_for": {"type": "array", "items": _ref("DelegatedRole")},
        },
    },
    "DelegatedRole": {
        "type": "object",
        "properties": {"role": S, "mission": NS, "component": NS, "on_behalf_of": S},
    },
    "Component": {"type": "object", "properties": {"code": S, "name": S, "kind": S}},
    "Mission": {
        "type": "object",
        "properties": {
            "code": S,
            "name": S,
            "timezone": S,
            "components": {"type": "array", "items": _ref("Component")},
        },
    },
    "Workflow": {"type": "object", "properties": {"name": S, "version": INT, "title": S, "subject": S}},
    "SubmissionBrief": {
        "type": "object",
        "properties": {
            "id": INT,
            "component": S,
            "state": S,
            "due": D,
            "rating": NS,
            "version": INT,
            "is_required": B,
        },
    },
    "Recommendation": {
        "type": "object",
        "properties": {
            "id": INT,
            "cycle": INT,
            "title": S,
            "body": S,
            "body_html": S,
            "component": S,
            "due": D,
            "decision": {"type": ["string", "null"], "enum": ["approved", "rejected", "amended", None]},
            "decision_comment": NS,
            "decided_at": NS,
            "status": NS,
            "owner": NS,
            "version": INT,
            "original_body": NS,
            "original_body_html": NS,
            "stage": {"type": "string", "enum": list(STAGES)},
            "fate": {"type": "string", "enum": list(FATES)},
            "stage_comment": NS,
            "merged_into": {"type": ["integer", "null"]},
            "origin": {"type": ["integer", "null"]},
            "origin_period": NS,
            "proposed_by": NS,
            "co_owners": {"type": "array", "items": S},
            "actions": {"type": "array", "items": _ref("Action"), "description": "Only in GET /recommendations/{id}."},
            "updates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"at": S, "actor": NS, "status": S, "note": S, "note_html": S},
                },
            },
        },
    },
    "RegisterPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("Recommendation")},
            "total": INT,
            "page": INT,
            "pages": INT,
        },
    },
    "Cycle": {
        "type": "object",
        "properties": {
            "id": INT,
            "mission": S,
            "workflow": S,
            "workflow_version": INT,
            "period": S,
            "title": S,
            "state": S,
            "version": INT,
            "input_due": D,
            "allowed_triggers": {"type": "array", "items": S},
            "steps": {"type": "array", "items": _ref("Step")},
            "submissions": {"type": "array", "items": _ref("SubmissionBrief")},
            "recommendations": {"type": "array", "items": _ref("Recommendation")},
            "guidance": S,
            "guidance_html": S,
            "approvals": {
                "description": "Only while the cycle is in a state whose transition needs several approvals "
                "(a joint sign-off): one entry per such trigger. Firing it answers 200 with the cycle still in "
                "its state until the last approval needed, which fires the transition.",
                "type": "array",
                "items": _ref("Approvals"),
            },
        },
    },
    "Approvals": {
        "type": "object",
        "properties": {
            "trigger": S,
            "required": INT,
            "missing": INT,
            "approved": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "email": S,
                        "name": S,
                        "at": S,
                        "comment": NS,
                        "by": {**NS, "description": "who gave it on the holder's behalf (a delegate), else null"},
                    },
                },
            },
            "awaited": {"type": "array", "items": {"type": "object", "properties": {"email": S, "name": S}}},
        },
    },
    "Submission": {
        "type": "object",
        "properties": {
            "id": INT,
            "cycle": INT,
            "component": S,
            "state": S,
            "version": INT,
            "due": D,
            "narrative": S,
            "narrative_html": S,
            "rating": {"type": ["string", "null"], "enum": [*RATINGS, None]},
            "indicator_values": {"type": "array", "items": {"type": "object"}},
            "allowed_triggers": {"type": "array", "items": S},
            "steps": {"type": "array", "items": _ref("Step")},
        },
    },
    "Action": {
        "description": "Something the caller may do with a recommendation now (edit, withdraw, decide, change_owner, "
        "update, settle), allowed or not yet with the reason in plain words; given by GET /recommendations/{id}.",
        "type": "object",
        "properties": {"action": S, "allowed": B, "reason": NS},
    },
    "Step": {
        "description": "A step the caller takes from the current state, the rules checked: allowed, or not yet "
        "with the reason in plain words; needs_comment: taken only with a comment (the reason says what to write).",
        "type": "object",
        "properties": {"trigger": S, "allowed": B, "reason": NS, "needs_comment": B},
    },
    "Event": {
        "type": "object",
        "properties": {
            "at": S,
            "actor": NS,
            "action": S,
            "from_state": NS,
            "to_state": NS,
            "comment": NS,
            "subject": S,
            "on_behalf_of": NS,
        },
    },
    "Task": {
        "type": "object",
        "properties": {
            "id": INT,
            "title": S,
            "due": D,
            "overdue": B,
            "cycle": INT,
            "url": S,
            "assignee": NS,
            "on_behalf_of": NS,
        },
    },
    "Delegation": {
        "type": "object",
        "properties": {
            "id": INT,
            "from": S,
            "to": S,
            "starts": D,
            "ends": D,
            "note": NS,
            "ended_at": NS,
            "active": B,
        },
    },
    "Preferences": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "notify": {"type": "string", "enum": list(NOTIFY_CHOICES)},
            "language": {"type": "string", "enum": list(LANGUAGES)},
        },
    },
}


def _op(
    summary: str,
    ok: str,
    schema: dict | None = None,
    body: dict | None = None,
    *,
    status: str = "200",
    errors: tuple[str, ...] = ("401", "404"),
    public: bool = False,
    array: bool = False,
) -> dict:
    content = {"type": "array", "items": schema} if array and schema else schema
    op: dict = {
        "summary": summary,
        "responses": {
            status: {"description": ok, **({"content": {"application/json": {"schema": content}}} if content else {})}
        },
    }
    for code in errors:
        op["responses"][code] = {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
        if code == "429":
            op["responses"][code]["headers"] = {
                "Retry-After": {"description": "seconds until attempts are accepted again", "schema": INT}
            }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if public:
        op["security"] = []
    return op


def _id(name: str, kind: dict = ROW_ID) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": kind}


W = ("400", "401", "403", "404", "409", "422")
PATHS = {
    "/tokens": {
        "post": _op(
            "Get a bearer token",
            "Token issued",
            _obj({"token": S, "expires_at": S}),
            _obj(
                {"email": {**LINE_REQUIRED, "maxLength": 254}, "password": {"type": "string", "maxLength": 1000}},
                ["email", "password"],
            ),
            status="201",
            errors=("400", "401", "429"),
            public=True,
        )
    },
    "/tokens/current": {
        "delete": _op(
            "Revoke the token of this call (it stops working at once)", "Revoked", status="204", errors=("401",)
        )
    },
    "/me": {"get": _op("The caller", "The caller", _ref("Me"), errors=("401",))},
    "/me/preferences": {
        "get": _op("The caller's notification preferences", "Preferences", _ref("Preferences"), errors=("401",)),
        "put": _op(
            "Change preferences", "Preferences", _ref("Preferences"), _ref("Preferences"), errors=("400", "401", "422")
        ),
    },
    "/missions": {
        "get": _op("Missions visible to the caller", "Missions", _ref("Mission"), errors=("401",), array=True)
    },
    "/workflows": {"get": _op("Workflow definitions", "Workflows", _ref("Workflow"), errors=("401",), array=True)},
    "/missions/{code}/cycles": {
        "parameters": [_id("code", S)],
        "get": _op("A mission's cycles", "Cycles", _ref("Cycle"), array=True),
        "post": _op(
            "Start a cycle (spu)",
            "Cycle started",
            _ref("Cycle"),
            _obj(
                {
                    "workflow": S,
                    "period": PERIOD,
                    "title": {**LINE, "type": ["string", "null"]},
                    "input_due": D,
                    "components": {"type": "array", "items": CODE, "minItems": 1, "uniqueItems": True},
                },
                ["workflow", "period", "input_due", "components"],
            ),
            status="201",
            errors=W,
        ),
    },
    "/cycles/{id}": {"parameters": [_id("id")], "get": _op("A cycle", "The cycle", _ref("Cycle"))},
    "/cycles/{id}/transitions": {
        "parameters": [_id("id")],
        "post": _op(
            "Fire a trigger on a cycle",
            "The cycle after the transition; for a trigger needing several approvals (a joint sign-off), "
            "the cycle still in its state, with `approvals`, until the last approval needed fires it. "
            "The same person approving twice: 409",
            _ref("Cycle"),
            _obj(
                {
                    "trigger": S,
                    "comment": N_TEXT,
                    "expected_version": VERSION_IN,
                    "submission": {**ROW_ID, "type": ["integer", "null"]},
                },
                ["trigger"],
            ),
            errors=W,
        ),
    },
    "/cycles/{id}/input-deadline": {
        "parameters": [_id("id")],
        "put": _op(
            "Move the input deadline (spu, until the joint review; open tasks follow)",
            "The cycle",
            _ref("Cycle"),
            _obj({"input_due": D, "reason": N_TEXT, "expected_version": VERSION_IN}, ["input_due"]),
            errors=W,
        ),
    },
    "/cycles/{id}/components": {
        "parameters": [_id("id")],
        "post": _op(
            "Ask one more component for input (spu, until the joint review)",
            "The cycle",
            _ref("Cycle"),
            _obj({"component": CODE, "reason": N_TEXT, "expected_version": VERSION_IN}, ["component"]),
            status="201",
            errors=W,
        ),
    },
    "/cycles/{id}/components/{code}/excuse": {
        "parameters": [_id("id"), _id("code", CODE)],
        "post": _op(
            "Excuse a component from this cycle's input (spu, until the joint review)",
            "The cycle",
            _ref("Cycle"),
            _obj({"reason": N_TEXT, "expected_version": VERSION_IN}),
            errors=W,
        ),
    },
    "/cycles/{id}/guidance": {
        "parameters": [_id("id")],
        "put": _op(
            "Set the guidance the components read on their submission page (spu, Markdown)",
            "The cycle",
            _ref("Cycle"),
            _obj({"guidance": N_TEXT, "expected_version": VERSION_IN}, ["guidance"]),
            errors=W,
        ),
    },
    "/cycles/{id}/events": {
        "parameters": [_id("id")],
        "get": _op("The audit trail, oldest first", "Events", _ref("Event"), array=True),
    },
    "/cycles/{id}/recommendations": {
        "parameters": [_id("id")],
        "post": _op(
            "Draft a recommendation (spu, joint review)",
            "Drafted",
            _ref("Recommendation"),
            _obj(
                {"title": LINE_REQUIRED, "body": TEXT_REQUIRED, "component": CODE, "due": D, "co_owners": CODES},
                ["title", "body", "component", "due"],
            ),
            status="201",
            errors=W,
        ),
    },
    "/submissions/{id}": {
        "parameters": [_id("id")],
        "get": _op("A submission", "The submission", _ref("Submission")),
        "put": _op(
            "Edit a submission (focal point, pending or returned)",
            "The submission",
            _ref("Submission"),
            _obj(
                {
                    "narrative": N_TEXT,
                    "rating": {"type": ["string", "null"], "enum": [*RATINGS, None]},
                    "indicator_values": {"type": "array", "items": {"type": "object"}, "maxItems": 1000},
                    "expected_version": VERSION_IN,
                }
            ),
            errors=W,
        ),
    },
    "/submissions/{id}/transitions": {
        "parameters": [_id("id")],
        "post": _op(
            "submit, endorse or return a submission", "The submission", _ref("Submission"), TRANSITION, errors=W
        ),
    },
    "/recommendations/{id}": {
        "parameters": [_id("id")],
        "get": _op("A recommendation", "The recommendation", _ref("Recommendation")),
        "put": _op(
            "Edit a draft (spu, undecided, joint review)",
            "The recommendation",
            _ref("Recommendation"),
            _obj(
                {
                    "title": LINE_REQUIRED,
                    "body": TEXT_REQUIRED,
                    "component": CODE,
                    "due": D,
                    "co_owners": CODES,
                    "expected_version": VERSION_IN,
                }
            ),
            errors=W,
        ),
        "delete": _op("Withdraw a draft (spu, undecided, joint review)", "Withdrawn", status="204", errors=W),
    },
    "/recommendations/{id}/owner": {
        "parameters": [_id("id")],
        "post": _op(
            "Give a follow-up action another owner (spu, follow-up), with a reason",
            "The recommendation",
            _ref("Recommendation"),
            _obj({"owner": S, "reason": TEXT_REQUIRED}, ["owner", "reason"]),
            errors=W,
        ),
    },
    "/recommendations/{id}/proposal": {
        "parameters": [_id("id")],
        "post": _op(
            "Accept, merge or decline a proposed recommendation (spu)",
            "The recommendation",
            _ref("Recommendation"),
            _obj(
                {
                    "decision": {"type": "string", "enum": ["accept", "merge", "decline"]},
                    "reason": N_TEXT,
                    "into": {**ROW_ID, "type": ["integer", "null"]},
                },
                ["decision"],
            ),
            errors=W,
        ),
    },
    "/cycles/{id}/proposals": {
        "parameters": [_id("id")],
        "post": _op(
            "Propose a recommendation (focal point or head of a participating component, input or joint review)",
            "The proposal",
            _ref("Recommendation"),
            _obj(
                {
                    "title": LINE_REQUIRED,
                    "body": TEXT_REQUIRED,
                    "component": CODE,
                    "due": {**D, "type": ["string", "null"]},
                },
                ["title", "body", "component"],
            ),
            status="201",
            errors=W,
        ),
    },
    "/missions/{code}/recommendations": {
        "parameters": [_id("code", CODE)],
        "get": {
            **_op(
                "The mission's recommendation register: every recommendation with its fate, 50 a page",
                "A page of the register",
                _ref("RegisterPage"),
                errors=("400", "401", "404"),
            ),
            "parameters": [
                {"name": "cycle", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "component", "in": "query", "schema": CODE},
                {"name": "fate", "in": "query", "schema": {"type": "string", "enum": list(FATES)}},
                {"name": "owner", "in": "query", "schema": {"type": "string", "maxLength": 254}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
            ],
        },
    },
    "/recommendations/{id}/decision": {
        "parameters": [_id("id")],
        "post": _op(
            "Decide a recommendation (leadership, sign-off)",
            "The recommendation",
            _ref("Recommendation"),
            _obj(
                {
                    "decision": {"type": "string", "enum": list(DECISIONS)},
                    "comment": N_TEXT,
                    "body": N_TEXT,
                    "due": {**D, "type": ["string", "null"]},
                    "owner": NS,
                },
                ["decision"],
            ),
            errors=W,
        ),
    },
    "/recommendations/{id}/updates": {
        "parameters": [_id("id")],
        "post": _op(
            "A follow-up update (component head or spu)",
            "The recommendation",
            _ref("Recommendation"),
            _obj(
                {"status": {"type": "string", "enum": [*ACTION_STATUSES, "carried_over"]}, "note": TEXT_REQUIRED},
                ["status", "note"],
            ),
            status="201",
            errors=W,
        ),
    },
    "/tasks": {
        "get": {
            **_op(
                "The caller's open tasks, soonest due first (all of them unless limit is given)",
                "Tasks",
                _ref("Task"),
                errors=("400", "401"),
                array=True,
            ),
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10**9}},
            ],
        }
    },
}


# People: acting officers, taking and assigning tasks (cpas_workflow/people/api.py).
_PAGE = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10**9}},
]
PATHS.update(
    {
        "/me/delegations": {
            "get": {
                **_op(
                    "The delegations the caller gave and received, newest first",
                    "Delegations",
                    _ref("Delegation"),
                    errors=("400", "401"),
                    array=True,
                ),
                "parameters": _PAGE,
            },
            "post": _op(
                "Delegate the caller's mission and component roles to a user of the same mission",
                "Delegated",
                _ref("Delegation"),
                _obj(
                    {"to": {**LINE_REQUIRED, "maxLength": 254}, "starts": D, "ends": D, "note": N_TEXT},
                    ["to", "starts", "ends"],
                ),
                status="201",
                errors=("400", "401", "403", "422"),
            ),
        },
        "/me/delegations/{id}": {
            "parameters": [_id("id")],
            "delete": _op("End a delegation now", "Ended", status="204", errors=("401", "403", "404")),
        },
        "/tasks/{id}/claim": {
            "parameters": [_id("id")],
            "post": _op(
                "Take a task (a holder of its role)", "The task", _ref("Task"), errors=("401", "403", "404", "409")
            ),
        },
        "/tasks/{id}/assign": {
            "parameters": [_id("id")],
            "post": _op(
                "Give a task to a holder of its role or their delegate (spu)",
                "The task",
                _ref("Task"),
                _obj({"to": {**LINE_REQUIRED, "maxLength": 254}}, ["to"]),
                errors=W,
            ),
        },
    }
)


# Results framework, indicator values, reports (cpas_workflow/framework/api.py).
_PERIOD = {"name": "period", "in": "query", "required": False, "schema": PERIOD}
_DRAFTS = {"name": "drafts", "in": "query", "required": False, "schema": {"type": "string", "enum": ["0", "1"]}}
_INDICATOR = _obj(
    {
        "code": S,
        "title": S,
        "unit": S,
        "direction": {"type": "string", "enum": ["higher", "lower"]},
        "baseline": {},
        "target": {},
        "component": S,
        "kind": S,
        "levels": {"type": "array", "items": S},
        "definition": S,
        "baseline_date": NS,
        "target_date": NS,
        "data_source": S,
        "frequency": S,
        "headline": B,
    }
)
_RESULT = {
    "type": "object",
    "properties": {
        "code": S,
        "title": S,
        "components": {"type": "array", "items": S},
        "indicators": {"type": "array", "items": _INDICATOR},
    },
}
SCHEMAS["Framework"] = {
    "type": "object",
    "properties": {
        "version": INT,
        "state": S,
        "mission": S,
        "published_at": NS,
        "priorities": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": S,
                    "title": S,
                    "components": {"type": "array", "items": S},
                    "outcomes": {
                        "type": "array",
                        "items": {
                            "allOf": [
                                _RESULT,
                                {"type": "object", "properties": {"outputs": {"type": "array", "items": _RESULT}}},
                            ]
                        },
                    },
                },
            },
        },
    },
}


def _file_op(summary: str, media: str, params: list | None = None, errors=("401", "404", "422")) -> dict:
    op = _op(summary, "The file", errors=errors)
    op["responses"]["200"]["content"] = {m: {"schema": {"type": "string", "format": "binary"}} for m in media.split()}
    if params:
        op["parameters"] = params
    return op


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PATHS.update(
    {
        "/missions/{code}/framework": {
            "parameters": [_id("code", S)],
            "get": _op(
                "The mission's published results framework (?version=draft: the draft, spu only)",
                "The framework",
                _ref("Framework"),
            ),
        },
        "/missions/{code}/framework.csv": {
            "parameters": [_id("code", S)],
            "get": _file_op("The framework as CSV (import layout)", "text/csv"),
        },
        "/missions/{code}/framework.xlsx": {
            "parameters": [_id("code", S)],
            "get": _file_op("The framework as XLSX (import layout)", _XLSX),
        },
        "/missions/{code}/framework/import": {
            "parameters": [_id("code", S)],
            "post": {
                **_op(
                    "Import a framework sheet as the draft (spu, during a mission plan cycle); any wrong row and nothing is "
                    "imported (422, fields 'row N, column')",
                    "The draft framework",
                    _ref("Framework"),
                    status="201",
                    errors=W,
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                                "required": ["file"],
                            }
                        }
                    },
                },
            },
        },
        "/missions/{code}/indicator-values": {
            "parameters": [_id("code", S)],
            "get": {
                **_op(
                    "Every published indicator value of the mission (its cycle approved by leadership and not reopened "
                    "since); ?drafts=1 (spu, leadership) adds the others, each with status 'draft'",
                    "The values",
                    _obj(
                        {
                            "indicator": S,
                            "period": S,
                            "component": S,
                            "value": {},
                            "unit": S,
                            "note": S,
                            "cycle": INT,
                            "status": {"type": "string", "enum": ["published", "draft"]},
                        }
                    ),
                    array=True,
                    errors=("401", "403", "404", "422"),
                ),
                "parameters": [_PERIOD, _DRAFTS],
            },
        },
        "/missions/{code}/indicator-values.csv": {
            "parameters": [_id("code", S)],
            "get": _file_op(
                "Every published indicator value of the mission, one row per indicator, period and component "
                "(?drafts=1, spu and leadership: unpublished ones too, told apart by the status column)",
                "text/csv",
                [_PERIOD, _DRAFTS],
                errors=("401", "403", "404", "422"),
            ),
        },
        "/missions/{code}/indicator-values.xlsx": {
            "parameters": [_id("code", S)],
            "get": _file_op(
                "Every published indicator value of the mission as XLSX",
                _XLSX,
                [_PERIOD, _DRAFTS],
                errors=("401", "403", "404", "422"),
            ),
        },
        "/cycles/{id}/indicator-values.csv": {
            "parameters": [_id("id")],
            "get": _file_op(
                "The cycle's indicator values, once published",
                "text/csv",
                [_DRAFTS],
                errors=("401", "403", "404", "422"),
            ),
        },
        "/cycles/{id}/indicator-values.xlsx": {
            "parameters": [_id("id")],
            "get": _file_op(
                "The cycle's indicator values as XLSX, once published",
                _XLSX,
                [_DRAFTS],
                errors=("401", "403", "404", "422"),
            ),
        },
        "/cycles/{id}/report.pdf": {
            "parameters": [_id("id")],
            "get": _file_op("The cycle's assessment report", "application/pdf", errors=("401", "404")),
        },
        "/missions/{code}/factsheet.pdf": {
            "parameters": [_id("code", S)],
            "get": _file_op(
                "The one-page factsheet of a period",
                "application/pdf",
                [{**_PERIOD, "required": True}],
                errors=("400", "401", "404", "422"),
            ),
        },
    }
)


def _transition_body(schema: dict, definitions: list) -> dict:
    """The trigger as an enum of the definitions' triggers, and a comment required where they require one."""
    triggers = sorted({t.trigger for d in definitions for t in d.transitions})
    needing = sorted({t.trigger for d in definitions for t in d.transitions if t.is_comment_required})
    body = copy.deepcopy(schema)
    body["properties"]["trigger"] = {"type": "string", "enum": triggers}
    if needing:
        body["allOf"] = [
            {
                "if": {"properties": {"trigger": {"enum": needing}}, "required": ["trigger"]},
                "then": {"required": ["comment"], "properties": {"comment": TEXT_REQUIRED}},
            }
        ]
    return body


def _paths() -> dict:
    """PATHS with what the loaded workflow definitions allow: workflow names and triggers as enums."""
    from cpas_workflow.engine import store

    definitions = list(store.current_definitions().values())
    cycles = [d for d in definitions if d.subject == "cycle"]
    children = [d for d in definitions if d.subject != "cycle"]
    paths = copy.deepcopy(PATHS)
    for path, kinds in (("/cycles/{id}/transitions", cycles), ("/submissions/{id}/transitions", children)):
        content = paths[path]["post"]["requestBody"]["content"]["application/json"]
        content["schema"] = _transition_body(content["schema"], kinds)
    start = paths["/missions/{code}/cycles"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    start["properties"]["workflow"] = {"type": "string", "enum": sorted(d.name for d in cycles)}
    return paths


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cpas-workflow API",
            "version": "1.0.0",
            "description": "Quarterly assessment and planning cycles of a peace operation.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
