"""The server-rendered pages: one `web` blueprint; each feature adds its routes in its views.py."""

from __future__ import annotations

from flask import Blueprint, Flask

from cpas_workflow import abilities
from cpas_workflow.core import access
from cpas_workflow.core.markdown import email_markdown_filter, markdown_filter
from cpas_workflow.extensions import login_manager

bp = Blueprint("web", __name__)


def register_views(app: Flask) -> None:
    from cpas_workflow.accounts import views as _accounts  # noqa: F401

    # The web application (issue 3): tasks, missions, recommendations and admin pages, page helpers.
    from cpas_workflow.admin import views as _admin  # noqa: F401
    from cpas_workflow.comments import views as _comments  # noqa: F401
    from cpas_workflow.cycles import views as _cycles  # noqa: F401
    from cpas_workflow.evidence import views as _evidence  # noqa: F401
    from cpas_workflow.framework import values as framework_values
    from cpas_workflow.framework import views as _framework  # noqa: F401
    from cpas_workflow.missions import views as _missions  # noqa: F401
    from cpas_workflow.pages import register_page_helpers
    from cpas_workflow.people import views as _people  # noqa: F401
    from cpas_workflow.recommendations import views as _recommendations  # noqa: F401
    from cpas_workflow.submissions import views as _submissions  # noqa: F401
    from cpas_workflow.tasks import views as _tasks  # noqa: F401
    from notifications import centre_views as _centre  # noqa: F401
    from notifications import views as _notifications  # noqa: F401

    register_page_helpers(app)
    app.jinja_env.globals["indicator_summary"] = _framework.indicator_summary
    app.jinja_env.globals["indicator_value"] = framework_values.display
    app.jinja_env.globals["number_for_editing"] = framework_values.for_editing
    app.jinja_env.globals["value_hint"] = lambda i: framework_values.hint(i.kind, i.minimum, i.maximum)
    app.jinja_env.globals["indicator_level"] = _framework.reports.shown_level

    login_manager.login_view = "web.sign_in"
    login_manager.login_message = None
    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.filters["email_markdown"] = email_markdown_filter
    app.jinja_env.globals["access"] = access
    app.jinja_env.globals["abilities"] = abilities  # may this person do this now? (the can_* answers)
