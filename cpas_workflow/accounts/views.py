"""Pages: sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from cpas_workflow.accounts import operations
from cpas_workflow.extensions import db
from cpas_workflow.views import bp
from forms.accounts import SignInForm


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            flash(_("Signed in as %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("E-mail or password is wrong."))
    return render_template(
        "accounts/sign_in.html", form=form
    ), 200 if request.method == "GET" or form.errors == {} else 422


@bp.post("/sign-out")
@login_required
def sign_out():
    logout_user()
    flash(_("Signed out."), "success")
    return redirect(url_for("web.sign_in"))
