"""API: read, edit and move one component submission."""

from __future__ import annotations

from flask import jsonify

from cpas_workflow.api import bp, serialize
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.core import access
from cpas_workflow.cycles.api import TRANSITION
from cpas_workflow.submissions import operations
from cpas_workflow.submissions.rows import submission_to_fire


@bp.get("/submissions/<int:submission_id>")
def get_submission(submission_id: int):
    user = current_user()
    return jsonify(serialize.submission(operations.get_submission(submission_id, user, with_comments=False), user))


@bp.put("/submissions/<int:submission_id>")
def put_submission(submission_id: int):
    user = current_user()
    submission = operations.get_submission(submission_id, user, with_comments=False)
    access.require(user, "edit_submission", submission)  # 403 before any 400 or 422
    data = read(
        {
            "narrative": Field(str, nullable=True),
            "rating": Field(str, nullable=True),
            "indicator_values": Field(list),
            "expected_version": Field(int, nullable=True),
        }
    )
    expected = data.pop("expected_version", None)
    operations.update_submission(submission, operations.SubmissionChanges(**data), user, expected_version=expected)
    commit()
    return jsonify(serialize.submission(submission, user))


@bp.post("/submissions/<int:submission_id>/transitions")
def fire_submission_transition(submission_id: int):
    user = current_user()
    subject = submission_to_fire(submission_id, user)  # one row, no objects; 404 before any 400
    data = read(TRANSITION)
    operations.fire_submission_trigger(
        subject, data["trigger"], user, comment=data.get("comment"), expected_version=data.get("expected_version")
    )
    commit()
    return jsonify(serialize.submission(operations.get_submission(submission_id, user, with_comments=False), user))
