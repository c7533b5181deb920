"""Browser sessions kept on the server, so that they can be ended.

The session cookie (signed by Flask) carries a random key; the `user_sessions` row holds only its
SHA-256. Deleting the row ends the session everywhere at once, including in any copy of the cookie.
A session ends after `CPAS_SESSION_IDLE_MINUTES` (30) without a request, and in any case
`CPAS_SESSION_MAX_HOURS` (12) after signing in. Each sign-in makes a new key (no fixation).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from flask import current_app
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import joinedload, with_expression

from cpas_workflow.accounts.models import User, UserSession
from cpas_workflow.accounts.queries import signed_in
from cpas_workflow.core import clock
from cpas_workflow.core.db import write_aside
from cpas_workflow.extensions import db

TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most once a minute per session


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user: User, address: str | None, user_agent: str | None) -> str:
    """A new session for `user`; the key returned goes into the cookie and is never stored. The
    user's timed-out sessions are cleared away at the same time."""
    key = secrets.token_urlsafe(32)
    now = clock.now()
    idle, longest = _limits()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            (UserSession.last_seen_at <= now - idle) | (UserSession.created_at <= now - longest),
        )
    )
    row = UserSession(
        user_id=user.id,
        key_hash=digest(key),
        created_at=now,
        last_seen_at=now,
        address=(address or "")[:64] or None,
        user_agent=(user_agent or "")[:200] or None,
    )
    db.session.add(row)
    db.session.flush()
    return key


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    config = current_app.config
    return dt.timedelta(minutes=config["CPAS_SESSION_IDLE_MINUTES"]), dt.timedelta(
        hours=config["CPAS_SESSION_MAX_HOURS"]
    )


def _expired(row: UserSession, now: dt.datetime) -> bool:
    idle, longest = _limits()
    return now - row.last_seen_at >= idle or now - row.created_at >= longest


@functools.cache
def _session_by_key():
    """Built once (every request of a browser starts with it), run with `:key_hash` (and today's date)."""
    from notifications.inbox import unread_of

    user = joinedload(UserSession.user).options(
        *signed_in(), with_expression(User.unread_notifications, unread_of(User))
    )
    return select(UserSession).where(UserSession.key_hash == bindparam("key_hash")).options(user)


def resume_session(key: str) -> UserSession | None:
    """The live session with this key, its user loaded, marked as seen now; None if there is none or
    it timed out (then it is deleted: the boundary commits)."""
    row = db.session.scalars(_session_by_key(), {"key_hash": digest(key)}).unique().first()
    if row is None:
        return None
    now = clock.now()
    if _expired(row, now) or not row.user.is_enabled:
        db.session.delete(row)
        db.session.flush()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        write_aside(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    return row


def end_session(key: str) -> None:
    db.session.execute(delete(UserSession).where(UserSession.key_hash == digest(key)))


def end_all_sessions(user: User) -> int:
    """Every session of `user` ends now; the number ended."""
    return db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount


def sessions_of(user: User) -> list[UserSession]:
    now = clock.now()
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.last_seen_at.desc())
    )
    return [row for row in rows if not _expired(row, now)]
