"""API: the comment threads of submissions, recommendations and cycles."""

from __future__ import annotations

from flask import jsonify, request

from cpas_workflow.api import bp
from cpas_workflow.api.openapi import INT, NINT, NS, PATHS, ROW_ID, TEXT_REQUIRED, S, W, _id, _obj, _op
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.comments import operations
from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.core.listing import PAGE_SIZE, whole_arg
from cpas_workflow.core.markdown import render_markdown
from cpas_workflow.cycles.queries import get_cycle, head
from cpas_workflow.recommendations.operations import get_recommendation
from cpas_workflow.submissions.operations import get_submission

COMMENT = {"body": Field(str, required=True), "parent_id": Field(int, nullable=True, minimum=1, maximum=DB_ID_MAX)}


def comment_json(c) -> dict:
    return {
        "id": c.id,
        "author": c.author.email if c.author else None,
        "at": c.created_at.isoformat(),
        "body": c.body,
        "body_html": render_markdown(c.body),
        "parent_id": c.parent_id,
        "thread_id": c.root_id or c.id,
    }


def _list(obj):
    limit = whole_arg(request.args, "limit", 1, 1000) or PAGE_SIZE
    offset = whole_arg(request.args, "offset", 0, 10**9) or 0
    return jsonify([comment_json(c) for c in operations.comments_of(obj, limit=limit, offset=offset)])


def _post(obj):
    user = current_user()
    data = read(COMMENT)
    comment = operations.post_comment(obj, data["body"], user, parent_id=data.get("parent_id"))
    commit()
    return jsonify(comment_json(comment)), 201


def _cycle(cycle_id: int):
    return get_cycle(cycle_id, current_user(), options=head())


@bp.get("/submissions/<int:submission_id>/comments")
def submission_comments(submission_id: int):
    return _list(get_submission(submission_id, current_user()))


@bp.post("/submissions/<int:submission_id>/comments")
def comment_on_submission(submission_id: int):
    return _post(get_submission(submission_id, current_user()))


@bp.get("/recommendations/<int:recommendation_id>/comments")
def recommendation_comments(recommendation_id: int):
    return _list(get_recommendation(recommendation_id, current_user()))


@bp.post("/recommendations/<int:recommendation_id>/comments")
def comment_on_recommendation(recommendation_id: int):
    return _post(get_recommendation(recommendation_id, current_user()))


@bp.get("/cycles/<int:cycle_id>/comments")
def cycle_comments(cycle_id: int):
    return _list(_cycle(cycle_id))


@bp.post("/cycles/<int:cycle_id>/comments")
def comment_on_cycle(cycle_id: int):
    return _post(_cycle(cycle_id))


COMMENT_OUT = _obj(
    {"id": INT, "author": NS, "at": S, "body": S, "body_html": S, "parent_id": NINT, "thread_id": INT},
    ["id", "author", "at", "body", "body_html", "parent_id"],
)
_COMMENT_IN = _obj({"body": TEXT_REQUIRED, "parent_id": {**ROW_ID, "type": ["integer", "null"]}}, ["body"])
_PAGE = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10**9}},
]


def _thread(what: str, who: str) -> dict:
    return {
        "parameters": [_id("id")],
        "get": {
            **_op(
                f"The comments on {what}, oldest first, replies naming their parent (a page)",
                "Comments",
                COMMENT_OUT,
                errors=("400", "401", "404"),
                array=True,
            ),
            "parameters": _PAGE,
        },
        "post": _op(
            f"Comment on {what} ({who}); an @email mentions someone who can see it (else 422)",
            "The comment",
            COMMENT_OUT,
            _COMMENT_IN,
            status="201",
            errors=W,
        ),
    }


PATHS.update(
    {
        "/submissions/{id}/comments": _thread("a submission", "spu, leadership, focal point or component head"),
        "/recommendations/{id}/comments": _thread(
            "a recommendation", "spu, leadership, its component's focal point or head"
        ),
        "/cycles/{id}/comments": _thread("a cycle", "spu, leadership, focal point or component head of the mission"),
    }
)
