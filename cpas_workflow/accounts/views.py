"""Pages: sign in and out, the profile (name, notifications, language, password, where you are signed
in, API tokens), and resuming the browser's server-side session on every request."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from cpas_workflow.accounts import operations, sessions, throttle
from cpas_workflow.accounts.models import LANGUAGES, NOTIFY_CHOICES, User
from cpas_workflow.core.errors import DomainError, Throttled
from cpas_workflow.core.redirects import safe_path
from cpas_workflow.extensions import db, login_manager
from cpas_workflow.pages import choices, refusal_status
from cpas_workflow.people.queries import PAGE_SIZE, delegations_of, is_active
from cpas_workflow.views import bp
from forms.accounts import PasswordForm, ProfileForm, SignInForm
from forms.notifications import ButtonForm


def _address() -> str:
    return request.remote_addr or "unknown"


@bp.before_app_request
def resume_browser_session() -> None:
    """The signed-in user of this browser, if its session record still lives (not signed out, ended
    elsewhere, idle too long or too old); else the cookie is emptied and the person must sign in."""
    if request.endpoint == "static" or request.path.startswith("/api/"):
        return  # the API authenticates each call by its bearer token
    key = session.get("sid")
    if not key:
        if "_user_id" in session:  # a cookie from before server-side sessions: no record, no entry
            session.clear()
        return
    row = sessions.resume_session(key)
    if row is None:
        db.session.commit()  # the timed-out record is gone
        session.clear()
        flash(_("Your session has ended. Please sign in again."), "error")
        return
    g.session_user = row.user


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = g.get("session_user")
    return user if user is not None and str(user.id) == user_id else None


def _begin_session(user: User) -> None:
    """A fresh cookie with a new session key: nothing from before signing in is kept (no fixation)."""
    session.clear()
    session["sid"] = sessions.start_session(user, _address(), request.user_agent.string)
    session.permanent = True  # the cookie itself expires with the longest session (CPAS_SESSION_MAX_HOURS)
    g.session_user = user
    login_user(user)


def _end_session() -> None:
    if session.get("sid"):
        sessions.end_session(session["sid"])
    logout_user()
    session.clear()


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = operations.sign_in(form.email.data, form.password.data, _address())
        except Throttled as exc:
            throttle.keep_refused_attempt(exc)
            minutes = max(1, round(exc.retry_after / 60))
            form.form_errors.append(
                ngettext(
                    "Too many failed sign-ins. For your security, signing in is paused: try again in %(num)d minute.",
                    "Too many failed sign-ins. For your security, signing in is paused: try again in %(num)d minutes.",
                    minutes,
                )
            )
            page = render_template("accounts/sign_in.html", form=form)
            return page, 429, {"Retry-After": str(exc.retry_after)}
        except operations.SignInFailed as exc:
            throttle.keep_refused_attempt(exc)
            form.password.errors.append(_("E-mail or password is wrong."))
            status = 422
        else:
            _begin_session(user)
            db.session.commit()
            with force_locale(user.language):
                flash(_("Signed in as %(name)s.", name=user.name), "success")
            return redirect(safe_path(request.args.get("next")) or url_for("web.index"))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/sign_in.html", form=form), status


@bp.post("/sign-out")
@login_required
def sign_out():
    _end_session()
    db.session.commit()
    flash(_("Signed out."), "success")
    return redirect(url_for("web.sign_in"))


@bp.post("/profile/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if not ButtonForm().validate_on_submit():
        abort(400)
    operations.sign_out_everywhere(current_user)
    _end_session()
    db.session.commit()
    flash(_("You are signed out everywhere, and your API tokens no longer work."), "success")
    return redirect(url_for("web.sign_in"))


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    operations.revoke_token(token_id, current_user)
    db.session.commit()
    flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("web.profile"))


def _profile_forms(profile: ProfileForm | None = None, password: PasswordForm | None = None):
    profile = profile or ProfileForm(obj=current_user._get_current_object(), formdata=None)
    profile.notify.choices = choices("notify", NOTIFY_CHOICES)
    profile.language.choices = choices("language", LANGUAGES)
    return profile, password or PasswordForm(formdata=None)


def _profile_page(form: ProfileForm, password_form: PasswordForm, status: int = 200):
    user = current_user._get_current_object()
    current_key = sessions.digest(session.get("sid", ""))
    return render_template(
        "accounts/profile.html",
        form=form,
        password_form=password_form,
        button=ButtonForm(),
        browser_sessions=sessions.sessions_of(user),
        current_key=current_key,
        tokens=operations.tokens_of(user),
        delegations=delegations_of(user, limit=PAGE_SIZE + 1),
        is_active=is_active,
    ), status


@bp.get("/profile")
@login_required
def profile():
    return _profile_page(*_profile_forms())


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
            return _profile_page(form, password_form, refusal_status(exc, form))
        with force_locale(current_user.language):
            flash(_("Your profile is saved."), "success")
        return redirect(url_for("web.profile"))
    return _profile_page(form, password_form, 422)


@bp.post("/profile/password")
@login_required
def change_password():
    form, password_form = _profile_forms(None, PasswordForm())
    if not password_form.validate_on_submit():
        return _profile_page(form, password_form, 422)
    user = current_user._get_current_object()
    try:
        operations.change_password(
            user, password_form.current_password.data, password_form.new_password.data, _address()
        )
    except (operations.WrongPassword, Throttled) as exc:
        throttle.keep_refused_attempt(exc)
        if isinstance(exc, Throttled):
            password_form.form_errors.append(_("Too many wrong passwords. Try again in a few minutes."))
            return _profile_page(form, password_form, 429)
        return _profile_page(form, password_form, refusal_status(exc, password_form))
    except DomainError as exc:
        db.session.rollback()
        return _profile_page(form, password_form, refusal_status(exc, password_form))
    _begin_session(user)  # every session ended with the change; this browser gets a new one
    db.session.commit()
    flash(
        _("Your password is changed. You are signed out everywhere else, and your API tokens no longer work."),
        "success",
    )
    return redirect(url_for("web.profile"))
