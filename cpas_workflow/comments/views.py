"""Pages: comment threads on a recommendation's page and on a cycle's discussion tab (the submission
page's thread is posted through submissions/views.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow.comments import operations
from cpas_workflow.core.errors import DomainError
from cpas_workflow.core.listing import PAGE_SIZE, whole_arg
from cpas_workflow.cycles import queries
from cpas_workflow.cycles.views import progress, steps
from cpas_workflow.extensions import db
from cpas_workflow.pages import refusal_status
from cpas_workflow.recommendations.operations import get_recommendation
from cpas_workflow.views import bp
from forms.submissions import CommentForm


@bp.app_template_global()
def threaded(comments) -> list:
    return operations.threaded(list(comments))


def _page() -> int:
    return whole_arg(request.args, "page", 1, 100_000) or 1


def _thread_page(obj, page: int) -> dict:
    threads = operations.threads_of(obj, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    total = len(threads) if page == 1 and len(threads) < PAGE_SIZE else operations.count_threads(obj)
    return {
        "threads": threads,
        "comment_page": page,
        "comment_pages": max(1, -(-total // PAGE_SIZE)),
        "can_post": operations.can_comment(current_user, obj),
    }


def render_recommendation(item, *, status: int = 200, bound: CommentForm | None = None):
    return render_template(
        "recommendations/show.html", recommendation=item, cycle=item.cycle, bound=bound, **_thread_page(item, _page())
    ), status


def render_discussion(cycle, *, status: int = 200, bound: CommentForm | None = None):
    return render_template(
        "comments/cycle_discussion.html",
        cycle=cycle,
        page="discussion",
        steps=steps(cycle),
        progress=progress(cycle),
        bound=bound,
        **_thread_page(cycle, _page()),
    ), status


def _post(obj, render, back: str):
    form = CommentForm()
    if not form.validate_on_submit():
        return render(obj, status=422, bound=form)
    try:
        comment = operations.post_comment(obj, form.body.data, current_user, parent_id=form.parent_id.data)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        status = refusal_status(exc, form)
        return render(obj, status=status, bound=form)
    flash(_("Your comment is added."), "success")
    return redirect(back + f"#comment-{comment.id}")


@bp.get("/recommendations/<int:recommendation_id>")
@login_required
def recommendation(recommendation_id: int):
    """One recommendation: its text, leadership's decision, the follow-up updates, its evidence and
    its discussion."""
    return render_recommendation(get_recommendation(recommendation_id, current_user))


@bp.post("/recommendations/<int:recommendation_id>/comments")
@login_required
def comment_recommendation(recommendation_id: int):
    item = get_recommendation(recommendation_id, current_user)
    back = url_for("web.recommendation", recommendation_id=recommendation_id)
    return _post(item, lambda obj, **kw: render_recommendation(get_recommendation(obj.id, current_user), **kw), back)


def _cycle(cycle_id: int):
    return queries.get_cycle(cycle_id, current_user)


@bp.get("/cycles/<int:cycle_id>/discussion")
@login_required
def cycle_discussion(cycle_id: int):
    return render_discussion(_cycle(cycle_id))


@bp.post("/cycles/<int:cycle_id>/comments")
@login_required
def comment_cycle(cycle_id: int):
    back = url_for("web.cycle_discussion", cycle_id=cycle_id)
    return _post(_cycle(cycle_id), lambda obj, **kw: render_discussion(_cycle(obj.id), **kw), back)
