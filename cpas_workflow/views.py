"""The server-rendered pages: one `web` blueprint; each feature adds its routes in its views.py."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from cpas_workflow.core import access
from cpas_workflow.core.errors import DomainError, Forbidden, NotFound
from cpas_workflow.core.markdown import email_markdown_filter, markdown_filter
from cpas_workflow.core.redirects import same_site_referrer
from cpas_workflow.extensions import db, login_manager

bp = Blueprint("web", __name__)


def render_error(exc: HTTPException):
    return render_template("errors.html", status=exc.code, message=exc.description), exc.code


def register_views(app: Flask) -> None:
    from cpas_workflow.accounts import views as _accounts  # noqa: F401

    # The web application (issue 3): tasks, missions, recommendations and admin pages, page helpers.
    from cpas_workflow.admin import views as _admin  # noqa: F401
    from cpas_workflow.cycles import administration_views as _administration
    from cpas_workflow.cycles import views as _cycles  # noqa: F401
    from cpas_workflow.framework import values as framework_values
    from cpas_workflow.framework import views as _framework  # noqa: F401
    from cpas_workflow.missions import views as _missions  # noqa: F401
    from cpas_workflow.pages import register_page_helpers
    from cpas_workflow.recommendations import views as _recommendations  # noqa: F401
    from cpas_workflow.submissions import views as _submissions  # noqa: F401
    from cpas_workflow.tasks import views as _tasks  # noqa: F401
    from notifications import views as _notifications  # noqa: F401

    register_page_helpers(app)
    app.jinja_env.globals["indicator_value"] = framework_values.display
    app.jinja_env.globals["number_for_editing"] = framework_values.for_editing
    app.jinja_env.globals["value_hint"] = lambda i: framework_values.hint(i.kind, i.minimum, i.maximum)
    app.jinja_env.globals["indicator_level"] = _framework.reports.shown_level
    app.jinja_env.globals["administration_forms"] = _administration.administration_forms

    @app.errorhandler(CSRFError)
    def csrf_refused(exc):
        message = _("This form has expired or did not come from this site. Reload the page and try again.")
        return render_template("errors.html", status=400, message=message), 400

    login_manager.login_view = "web.sign_in"
    login_manager.login_message = None
    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.filters["email_markdown"] = email_markdown_filter
    app.jinja_env.globals["access"] = access

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if request.path.startswith("/api/"):
            from cpas_workflow.api import error_response

            return error_response(exc.status, exc.code, exc.message, exc.fields)
        if isinstance(exc, NotFound):
            return render_template("errors.html", status=404, message=_("Not found.")), 404
        if isinstance(exc, Forbidden):
            return render_template("errors.html", status=403, message=_("You may not do this here.")), 403
        flash(exc.message, "error")
        return redirect(same_site_referrer() or url_for("web.index"))
