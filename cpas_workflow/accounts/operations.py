"""Verbs on accounts: create users, assign roles, check passwords under the sign-in limits, issue and
revoke API tokens, end sessions, preferences."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts import sessions, throttle
from cpas_workflow.accounts.models import (
    COMPONENT_ROLES,
    GLOBAL_ROLES,
    LANGUAGES,
    MISSION_ROLES,
    NOTIFY_CHOICES,
    ROLES,
    ApiToken,
    RoleAssignment,
    User,
)
from cpas_workflow.accounts.queries import signed_in, with_roles
from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.db import write_aside
from cpas_workflow.core.errors import NotFound, Throttled, Unauthorized, ValidationFailed
from cpas_workflow.core.text import choice, clean_line
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission

_hashers: dict[bool, PasswordHasher] = {}
_dummy_hashes: dict[bool, str] = {}
log = logging.getLogger("cpas.security")


class SignInFailed(Unauthorized):
    """A wrong e-mail or password; `delay` is how long the boundary waits before answering (after
    committing the recorded attempt, so that the wait holds no lock)."""

    def __init__(self, message: str, delay: float) -> None:
        super().__init__(message)
        self.delay = delay


def _hasher() -> PasswordHasher:
    """Argon2 with RFC 9106's low-memory profile; tests may ask for the cheapest one (never production)."""
    cheap = bool(current_app.config.get("CPAS_CHEAP_PASSWORD_HASHES"))
    if cheap not in _hashers:
        _hashers[cheap] = PasswordHasher.from_parameters(profiles.CHEAPEST if cheap else profiles.RFC_9106_LOW_MEMORY)
    return _hashers[cheap]


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    query = select(User).where(func.lower(User.email) == normalize_email(email)).options(*with_roles())
    return db.session.scalars(query).unique().first()


def hash_password(password: str) -> str:
    if len(password or "") < 8:
        raise ValidationFailed(_l("a password needs at least 8 characters"), fields={"password": "too short"})
    return _hasher().hash(password)


def _dummy_hash() -> str:
    """A hash made once with the current parameters, verified when there is no account: an unknown
    e-mail then costs exactly one verification, like a known one (not a hash plus a verification)."""
    cheap = bool(current_app.config.get("CPAS_CHEAP_PASSWORD_HASHES"))
    if cheap not in _dummy_hashes:
        _dummy_hashes[cheap] = _hasher().hash(secrets.token_urlsafe(16))
    return _dummy_hashes[cheap]


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with this e-mail and password, else None (one verification either way)."""
    user = find_user(email)
    hasher = _hasher()
    stored = user.password_hash if user and user.password_hash else None
    try:
        hasher.verify(stored or _dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None or not user.is_enabled:
        return None
    if hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    return user


# One address, no spaces or control characters (it goes into a To: header and the calendar feed).
EMAIL = re.compile(r"[^@\s<>,;:\"\x00-\x1f\x7f]+@[^@\s<>,;:\"\x00-\x1f\x7f]+")


def create_user(email: str, name: str, password: str | None, actor=None, *, password_hash: str | None = None) -> User:
    email = normalize_email(email)
    if not EMAIL.fullmatch(email) or len(email) > 254:
        raise ValidationFailed(
            _l("%(email)s is not an e-mail address", email=repr(email)), fields={"email": "not an e-mail address"}
        )
    if find_user(email) is not None:
        raise ValidationFailed(
            _l("a user with e-mail %(email)s exists already", email=email), fields={"email": "taken"}
        )
    user = User(
        email=email,
        name=clean_line(name, "name", required=True),
        password_hash=password_hash or (hash_password(password) if password else None),
        notify="daily",
        language="en",
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("create_user", actor=actor, subject=f"user:{email}")
    return user


def assign_role(
    user: User,
    role: str,
    mission: Mission | None = None,
    component_code: str | None = None,
    actor=None,
    *,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> RoleAssignment:
    """Give `user` a role, from `starts_on` to `ends_on` (both inclusive; open when None). The same
    role in the same place, not yet ended, is not given twice."""
    choice(role, "role", ROLES)
    _check_dates(starts_on, ends_on)
    component = None
    if role in GLOBAL_ROLES:
        if mission is not None:
            raise ValidationFailed(
                _l("%(role)s holds across every mission: name no mission", role=role),
                fields={"mission": "not for this role"},
            )
    elif mission is None:
        raise ValidationFailed(
            _l("%(role)s is held within a mission: name one", role=role), fields={"mission": "required"}
        )
    if role in COMPONENT_ROLES:
        component = mission.component(component_code or "")
        if component is None:
            raise ValidationFailed(
                _l(
                    "%(role)s is held within a component of %(mission)s: name one of %(components)s",
                    role=role,
                    mission=mission.code,
                    components=", ".join(c.code for c in mission.components),
                ),
                fields={"component": "required"},
            )
    elif role in MISSION_ROLES and component_code:
        raise ValidationFailed(
            _l("%(role)s is held for the whole mission: name no component", role=role),
            fields={"component": "not for this role"},
        )
    for existing in user.roles:
        if (
            existing.ended_at is None
            and (existing.ends_on is None or existing.ends_on >= clock.today())
            and existing.role == role
            and existing.mission_id == (mission.id if mission else None)
            and existing.component_id == (component.id if component else None)
        ):
            return existing
    assignment = RoleAssignment(
        user=user,
        role=role,
        mission=mission,
        component=component,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=clock.now(),
    )
    db.session.add(assignment)
    db.session.flush()
    where = "/".join(x for x in (mission.code if mission else None, component.code if component else None) if x)
    audit.record(
        "assign_role",
        actor=actor,
        subject=f"user:{user.email}",
        mission_id=mission.id if mission else None,
        comment=f"{role} {where}{_dates(starts_on, ends_on)}".strip(),
    )
    return assignment


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(email: str, password: str, address: str) -> User:
    """The user, if the password is right and neither the account nor `address` is locked; else
    Throttled (the password is not even looked at) or SignInFailed. Every attempt is recorded and
    logged, never with the password."""
    key = normalize_email(email)[:254]
    lock = throttle.lock_for(key, address)
    if lock is not None:
        throttle.record(key, address, "throttled")
        log.warning("sign-in refused for %r from %s: %s locked until %s", key, address, lock.reason, lock.until)
        raise Throttled(
            _l(
                "too many failed sign-ins for this %(reason)s; try again in %(seconds)s seconds",
                reason=lock.reason,
                seconds=lock.retry_after(),
            ),
            retry_after=lock.retry_after(),
        )
    user = authenticate(email, password)
    if user is None:
        throttle.record(key, address, "failed")
        delay = throttle.delay_after_failure(key, address)
        log.warning("sign-in failed for %r from %s (answer delayed %.1f s)", key, address, delay)
        raise SignInFailed("e-mail or password is wrong", delay=delay)
    throttle.record(key, address, "succeeded")
    log.info("sign-in of %r from %s", key, address)
    return user


def issue_token(email: str, password: str, address: str) -> tuple[str, ApiToken]:
    """A new bearer token, returned once; only its SHA-256 is stored. The user's expired tokens go."""
    user = sign_in(email, password, address)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at <= clock.now()))
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        user=user,
        token_hash=_digest(token),
        expires_at=clock.now() + dt.timedelta(hours=current_app.config["CPAS_TOKEN_HOURS"]),
        created_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    return token, row


@functools.cache
def _token_by_hash():
    """Built once (every API request starts with it), run with `:token_hash` (and today's date)."""
    user = joinedload(ApiToken.user).options(*signed_in())
    return select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash")).options(user)


def token_for(token: str) -> ApiToken | None:
    """The live token row (its user and roles loaded) for a bearer token, its last use noted (at most
    once a minute); None if unknown, expired, revoked or its user disabled."""
    row = db.session.scalars(_token_by_hash(), {"token_hash": _digest(token)}).unique().first()
    now = clock.now()
    if row is None or row.expires_at <= now or not row.user.is_enabled:
        return None
    if row.last_used_at is None or now - row.last_used_at >= sessions.TOUCH_EVERY:
        write_aside(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return row


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first (for the profile)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at > clock.now())
    return list(db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(token_id: int, actor: User) -> None:
    """The actor's own token stops working at once; another's token is not found."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("no such token")
    db.session.delete(row)
    db.session.flush()
    audit.record("revoke_token", actor=actor, subject=f"user:{actor.email}", comment=f"token {row.id}")


def end_everything(user: User) -> None:
    """Every browser session and API token of `user` stops working now."""
    sessions.end_all_sessions(user)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()


def sign_out_everywhere(user: User) -> None:
    end_everything(user)
    audit.record("sign_out_everywhere", actor=user, subject=f"user:{user.email}")


def update_preferences(
    user: User, *, notify: str | None = None, language: str | None = None, name: str | None = None
) -> User:
    if name is not None:
        user.name = clean_line(name, "name", required=True)
    if notify is not None:
        user.notify = choice(notify, "notify", NOTIFY_CHOICES)
    if language is not None:
        user.language = choice(language, "language", LANGUAGES)
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str, address: str) -> None:
    """A new password; every session and token of the user ends (the boundary starts a new session
    for the browser that made the change). The current password is checked under the sign-in limits."""
    try:
        sign_in(user.email, current, address)
    except SignInFailed as exc:
        raise WrongPassword(
            "the current password is wrong", fields={"current_password": "wrong password"}, delay=exc.delay
        ) from None
    user.password_hash = hash_password(new)
    end_everything(user)
    audit.record("change_password", actor=user, subject=f"user:{user.email}")


class WrongPassword(ValidationFailed):
    """The current password given to change it is wrong: 422 on the form, after the sign-in delay."""

    def __init__(self, message: str, fields: dict, delay: float) -> None:
        super().__init__(message, fields=fields)
        self.delay = delay


# Instance administration (admin only): accounts, enabling, roles granted and withdrawn.


def admin_create_user(email: str, name: str, password: str | None, actor) -> User:
    access.require_instance(actor, "manage_instance")
    return create_user(email, name, password, actor=actor)


def set_user_enabled(user: User, is_enabled: bool, actor) -> User:
    access.require_instance(actor, "manage_instance")
    if user.id == actor.id and not is_enabled:
        raise ValidationFailed(_l("you cannot disable your own account"), fields={"is_enabled": "own account"})
    if user.is_enabled != is_enabled:
        user.is_enabled = is_enabled
        if not is_enabled:
            end_everything(user)  # enabling again later revives nothing
        db.session.flush()
        audit.record("enable_user" if is_enabled else "disable_user", actor=actor, subject=f"user:{user.email}")
    return user


def grant_role(
    user: User, role: str, mission: Mission | None, component_code: str | None, actor, **dates
) -> RoleAssignment:
    access.require_instance(actor, "manage_instance")
    return assign_role(user, role, mission, component_code or None, actor=actor, **dates)


def _check_dates(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationFailed("the last day is before the first day", fields={"ends_on": "before the first day"})


def _dates(starts_on: dt.date | None, ends_on: dt.date | None) -> str:
    if not (starts_on or ends_on):
        return ""
    return f" ({starts_on.isoformat() if starts_on else '…'} – {ends_on.isoformat() if ends_on else '…'})"


def set_role_dates(assignment: RoleAssignment, starts_on: dt.date | None, ends_on: dt.date | None, actor):
    """Change when an assignment holds (a rotation planned ahead); an ended one stays ended."""
    access.require_instance(actor, "manage_instance")
    if assignment.ended_at is not None:
        raise ValidationFailed("this role has ended: give it again instead", fields={"ends_on": "ended"})
    _check_dates(starts_on, ends_on)
    assignment.starts_on, assignment.ends_on = starts_on, ends_on
    db.session.flush()
    audit.record(
        "assign_role",
        actor=actor,
        subject=f"user:{assignment.user.email}",
        mission_id=assignment.mission_id,
        comment=f"{assignment.role}{_dates(starts_on, ends_on)}",
    )
    return assignment


def revoke_role(assignment: RoleAssignment, actor) -> None:
    """End the assignment now: it stops giving its role at once and stays in the history (who held
    what when), and its successor gets a handover."""
    access.require_instance(actor, "manage_instance")
    user = assignment.user
    where = "/".join(
        x
        for x in (
            assignment.mission.code if assignment.mission else None,
            assignment.component.code if assignment.component else None,
        )
        if x
    )
    if user.id == actor.id and assignment.role == "admin":
        raise ValidationFailed(_l("you cannot withdraw your own admin role"), fields={"role": "own admin role"})
    if assignment.ended_at is not None:
        return
    now = clock.now()
    assignment.ended_at = now
    if assignment.ends_on is None or assignment.ends_on > now.date():
        assignment.ends_on = now.date()
    db.session.flush()
    audit.record(
        "end_role",
        actor=actor,
        subject=f"user:{user.email}",
        mission_id=assignment.mission_id,
        comment=f"{assignment.role} {where}".strip(),
    )
