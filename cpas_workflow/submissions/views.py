"""Pages: one component submission."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from cpas_workflow.submissions.operations import get_submission
from cpas_workflow.views import bp


@bp.get("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    item = get_submission(submission_id, current_user)
    return render_template("submissions/show.html", submission=item)
