"""Pages: sign in and out, and the profile (name, notifications, language, password)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from cpas_workflow.accounts import operations
from cpas_workflow.accounts.models import LANGUAGES, NOTIFY_CHOICES
from cpas_workflow.core.errors import DomainError
from cpas_workflow.extensions import db
from cpas_workflow.pages import choices, refusal_status
from cpas_workflow.views import bp
from forms.accounts import PasswordForm, ProfileForm, SignInForm


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
            with force_locale(user.language):
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


def _profile_forms(profile: ProfileForm | None = None, password: PasswordForm | None = None):
    profile = profile or ProfileForm(obj=current_user._get_current_object(), formdata=None)
    profile.notify.choices = choices("notify", NOTIFY_CHOICES)
    profile.language.choices = choices("language", LANGUAGES)
    return profile, password or PasswordForm(formdata=None)


@bp.get("/profile")
@login_required
def profile():
    profile_form, password_form = _profile_forms()
    return render_template("accounts/profile.html", form=profile_form, password_form=password_form)


@bp.post("/profile")
@login_required
def update_profile():
    form, password_form = _profile_forms(ProfileForm())
    if form.validate_on_submit():
        try:
            operations.update_preferences(
                current_user, name=form.name.data, notify=form.notify.data, language=form.language.data
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            return render_template("accounts/profile.html", form=form, password_form=password_form), refusal_status(
                exc, form
            )
        with force_locale(current_user.language):
            flash(_("Your profile is saved."), "success")
        return redirect(url_for("web.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form), 422


@bp.post("/profile/password")
@login_required
def change_password():
    form, password_form = _profile_forms(None, PasswordForm())
    if password_form.validate_on_submit():
        try:
            operations.change_password(
                current_user, password_form.current_password.data, password_form.new_password.data
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            status = refusal_status(exc, password_form)
            return render_template("accounts/profile.html", form=form, password_form=password_form), status
        flash(_("Your password is changed."), "success")
        return redirect(url_for("web.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form), 422
