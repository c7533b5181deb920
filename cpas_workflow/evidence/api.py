"""API: attach files to a submission or a follow-up action, list them, download one."""

from __future__ import annotations

from flask import Response, jsonify, request

from cpas_workflow.api import bp
from cpas_workflow.api.openapi import INT, NS, PATHS, S, W, _file_op, _id, _obj, _op
from cpas_workflow.api.parsing import commit, current_user
from cpas_workflow.core.errors import BadRequest
from cpas_workflow.core.listing import PAGE_SIZE, whole_arg
from cpas_workflow.evidence import content, operations
from cpas_workflow.recommendations.operations import get_recommendation
from cpas_workflow.submissions.operations import get_submission


def attachment_json(a) -> dict:
    return {
        "id": a.id,
        "filename": a.filename,
        "size": a.size,
        "content_type": a.content_type,
        "sha256": a.sha256,
        "uploaded_by": a.uploaded_by.email if a.uploaded_by else None,
        "at": a.created_at.isoformat(),
        "url": f"/api/v1/attachments/{a.id}",
    }


def read_upload() -> operations.Upload:
    """The multipart field `file`; its size is checked before its content is read into memory twice."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest("send the file as the multipart field 'file'", fields={"file": "required"})
    data = upload.read()
    return operations.Upload(upload.filename, data)


def _page() -> tuple[int, int]:
    limit = whole_arg(request.args, "limit", 1, 1000) or PAGE_SIZE
    return limit, whole_arg(request.args, "offset", 0, 10**9) or 0


def _list(obj):
    limit, offset = _page()
    return jsonify([attachment_json(a) for a in operations.attachments_of(obj, limit=limit, offset=offset)])


def _attach(obj):
    user = current_user()
    operations.check_allowed(user, obj)  # 403 / 404 / 409 before the body is read
    operations.check_size("the file", max(0, (request.content_length or 0) - 64 * 1024))
    attachment = operations.attach(obj, read_upload(), user)
    commit()
    return jsonify(attachment_json(attachment)), 201


@bp.get("/submissions/<int:submission_id>/attachments")
def submission_attachments(submission_id: int):
    return _list(get_submission(submission_id, current_user()))


@bp.post("/submissions/<int:submission_id>/attachments")
def attach_to_submission(submission_id: int):
    return _attach(get_submission(submission_id, current_user()))


@bp.get("/recommendations/<int:recommendation_id>/attachments")
def recommendation_attachments(recommendation_id: int):
    return _list(get_recommendation(recommendation_id, current_user()))


@bp.post("/recommendations/<int:recommendation_id>/attachments")
def attach_to_recommendation(recommendation_id: int):
    return _attach(get_recommendation(recommendation_id, current_user()))


def file_response(attachment, data: bytes) -> Response:
    """Always a download, never shown in the browser: the type as the content told it, no sniffing."""
    response = Response(data, mimetype=attachment.content_type)
    response.headers.set("Content-Disposition", "attachment", filename=attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/attachments/<int:attachment_id>")
def download_attachment(attachment_id: int):
    attachment, _obj = operations.get_attachment(attachment_id, current_user())
    return file_response(attachment, operations.read_file(attachment))


@bp.delete("/attachments/<int:attachment_id>")
def delete_attachment(attachment_id: int):
    user = current_user()
    attachment, obj = operations.get_attachment(attachment_id, user)
    operations.delete_attachment(attachment, obj, user)
    commit()
    return "", 204


_PAGE = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10**9}},
]
ATTACHMENT = _obj(
    {
        "id": INT,
        "filename": S,
        "size": INT,
        "content_type": S,
        "sha256": S,
        "uploaded_by": NS,
        "at": S,
        "url": S,
    },
    ["id", "filename", "size", "content_type", "sha256", "uploaded_by", "at"],
)
_UPLOAD = {
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
}


def _attachments(who: str) -> dict:
    return {
        "parameters": [_id("id")],
        "get": {
            **_op(
                "The files attached, oldest first (a page)",
                "Attachments",
                ATTACHMENT,
                errors=("400", "401", "404"),
                array=True,
            ),
            "parameters": _PAGE,
        },
        "post": {
            **_op(
                f"Attach a file ({who}); PDF, Office, CSV, text or images, checked by content",
                "Attached",
                ATTACHMENT,
                status="201",
                errors=W,
            ),
            "requestBody": _UPLOAD,
        },
    }


PATHS.update(
    {
        "/submissions/{id}/attachments": _attachments("focal point, while the input is pending or returned"),
        "/recommendations/{id}/attachments": _attachments("component head or spu, during follow-up"),
        "/attachments/{id}": {
            "parameters": [_id("id")],
            "get": _file_op(
                "The file, always as a download (Content-Disposition: attachment)",
                " ".join(content.SERVED),
                errors=("401", "404"),
            ),
            "delete": _op(
                "Remove a file (its uploader, while the input is open)",
                "Removed",
                status="204",
                errors=("401", "403", "404", "409", "422"),
            ),
        },
    }
)
