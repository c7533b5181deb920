"""Pages: the consolidated assessment of a cycle (and its printable report), a mission's results
framework (with import), the factsheet of a period, and headquarters' comparison of missions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cpas_workflow import abilities
from cpas_workflow.core import access, clock
from cpas_workflow.core.errors import DomainError, Forbidden, ValidationFailed
from cpas_workflow.cycles import queries as cycle_queries
from cpas_workflow.cycles.operations import PERIOD
from cpas_workflow.extensions import db
from cpas_workflow.framework import documents, entries, operations, queries, reports, values
from cpas_workflow.refusals import commit
from cpas_workflow.submissions.operations import SubmissionChanges, get_submission, update_submission
from cpas_workflow.views import bp
from forms.framework import FrameworkImportForm, IndicatorValuesForm


def _period(default: str | None = None) -> str | None:
    period = request.args.get("period") or default
    if period is not None and not PERIOD.match(period):
        raise ValidationFailed(_("The period must look like 2026-Q3."))
    return period


def latest_period() -> str:
    """The last quarter that has ended."""
    today = clock.today()
    quarter = (today.month - 1) // 3
    return f"{today.year - 1}-Q4" if quarter == 0 else f"{today.year}-Q{quarter}"


@bp.get("/cycles/<int:cycle_id>/assessment")
@login_required
def cycle_assessment(cycle_id: int):
    cycle = cycle_queries.get_cycle(cycle_id, current_user, options=cycle_queries.for_api())
    return render_template("framework/assessment.html", **reports.assessment(cycle))


@bp.get("/cycles/<int:cycle_id>/report")
@login_required
def cycle_report(cycle_id: int):
    cycle = cycle_queries.get_cycle(cycle_id, current_user, options=cycle_queries.for_api())
    return render_template(
        "framework/report_print.html",
        **reports.assessment(cycle),
        download_url=url_for("web.cycle_report_pdf", cycle_id=cycle.id),
    )


@bp.get("/cycles/<int:cycle_id>/report.pdf")
@login_required
def cycle_report_pdf(cycle_id: int):
    """The same PDF as the API's, for a signed-in person (the session, not a token)."""
    cycle = cycle_queries.get_cycle(cycle_id, current_user, options=cycle_queries.for_api())
    return documents.assessment_pdf(cycle, current_user.language)


@bp.get("/missions/<code>/factsheet")
@login_required
def mission_factsheet(code: str):
    mission = cycle_queries.get_mission(code, current_user)
    period = _period(latest_period())
    return render_template(
        "framework/factsheet_print.html",
        **reports.factsheet(mission, period),
        download_url=url_for("web.mission_factsheet_pdf", code=mission.code, period=period),
    )


@bp.get("/missions/<code>/factsheet.pdf")
@login_required
def mission_factsheet_pdf(code: str):
    mission = cycle_queries.get_mission(code, current_user)
    return documents.factsheet_pdf(mission, _period(latest_period()), current_user.language)


@bp.get("/missions/<code>/framework")
@login_required
def mission_framework(code: str):
    mission = cycle_queries.get_mission(code, current_user)
    can_edit = access.can(current_user, "edit_framework", mission)
    return render_template(
        "framework/framework.html",
        mission=mission,
        published=queries.published_version(mission),
        draft=queries.draft_version(mission) if can_edit else None,
        can_edit=can_edit,
        planning=operations.planning_cycle(mission),
        form=FrameworkImportForm(),
    )


@bp.post("/missions/<code>/framework/import")
@login_required
def mission_framework_import(code: str):
    mission = cycle_queries.get_mission(code, current_user)
    access.require(current_user, "edit_framework", mission)  # 403 before the sheet is even read
    form = FrameworkImportForm()
    back = redirect(url_for("web.mission_framework", code=mission.code))
    if not form.validate_on_submit():
        flash(_("Choose a .xlsx or .csv file to import."), "error")
        return back
    upload = form.file.data
    try:
        version = operations.import_framework(mission, upload.filename or "", upload.read(), current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        return render_template(
            "framework/framework.html",
            mission=mission,
            published=queries.published_version(mission),
            draft=queries.draft_version(mission),
            can_edit=True,
            planning=operations.planning_cycle(mission),
            form=form,
            import_error=exc,
        ), 422
    flash(_("Imported draft version %(n)s: %(i)s indicators.", n=version.number, i=len(version.indicators)), "success")
    return back


@bp.get("/hq")
@login_required
def hq_comparison():
    if not access.can_compare(current_user):
        raise Forbidden(_("The comparison of missions is for headquarters."))
    period = _period(latest_period())
    rows = reports.comparison(cycle_queries.visible_missions(current_user), period)
    return render_template("framework/hq.html", rows=rows, period=period, rating_labels=reports.RATING_LABELS)


@bp.route("/submissions/<int:submission_id>/indicators", methods=["GET", "POST"])
@login_required
def submission_indicators(submission_id: int):
    """The focal point enters the component's indicator values for the period."""
    submission = get_submission(submission_id, current_user)
    if request.method == "POST":
        access.require(current_user, "edit_submission", submission)
    indicators = queries.indicators_of(submission)
    form = IndicatorValuesForm(expected_version=submission.version)
    typed, errors = None, {}
    if request.method == "POST":
        typed = request.form
        if not form.validate_on_submit():
            errors = {"form": _("The form expired; reload the page and try again.")}
        else:
            try:
                update_submission(
                    submission,
                    SubmissionChanges(
                        indicator_values=entries.items_from_form(request.form, indicators, values.locale_name())
                    ),
                    current_user,
                    expected_version=form.expected_version.data,
                )
                commit()
                flash(_("Indicator values saved."), "success")
                return redirect(url_for("web.submission_indicators", submission_id=submission.id))
            except DomainError as exc:
                db.session.rollback()
                errors = exc.fields or {"form": exc.message}
        submission = get_submission(submission_id, current_user)
    saved = {v.indicator.code: v for v in queries.values_of_submission(submission)}
    submitted_at = queries.last_submitted_at(submission)
    return render_template(
        "framework/indicator_values.html",
        submission=submission,
        indicators=indicators,
        saved=saved,
        typed=typed,
        errors=errors,
        form=form,
        submitted={code for code, v in saved.items() if submitted_at is not None and v.created_at <= submitted_at},
        needs_reason=queries.first_published_at(submission.cycle) is not None,
        history=reports.value_history([submission.id]),
        can_edit=bool(abilities.can_edit_submission(current_user, submission)),
    ), 422 if errors else 200


def indicator_summary(submission) -> dict:
    """For the submission page: the component's indicators, what is saved, what is still missing."""
    indicators = queries.indicators_of(submission)
    saved = {v.indicator.code: v for v in queries.values_of_submission(submission)}
    return {"indicators": indicators, "saved": saved, "missing": [i for i in indicators if i.code not in saved]}
