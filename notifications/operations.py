"""What people do about their e-mail and calendar: unsubscribe, calendar links, retrying failed mail."""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts.models import User
from cpas_workflow.accounts.queries import with_roles
from cpas_workflow.core import access, clock
from cpas_workflow.core.audit import record
from cpas_workflow.core.errors import Conflict, Forbidden, NotFound
from cpas_workflow.core.text import choice
from cpas_workflow.extensions import db
from notifications.models import STATUSES, OutboxMessage
from notifications.outbox import read_unsubscribe_token


def user_for_unsubscribe(token: str) -> User:
    """The user an unsubscribe link was made for; NotFound for a forged or outdated link."""
    found = read_unsubscribe_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or user.email != found[1]:
        raise NotFound(_l("this unsubscribe link is not valid (it may be for an address that has since changed)"))
    return user


def unsubscribe(user: User) -> User:
    """No more e-mail of any kind; the user can turn it back on in their settings."""
    user.notify = "off"
    db.session.flush()
    return user


def _calendar_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def regenerate_calendar_token(user: User) -> str:
    """A new secret for the user's calendar feed, returned to be shown once: only its SHA-256 is kept.
    The old address stops working at once."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = _calendar_digest(token)
    db.session.flush()
    return token


def revoke_calendar_token(user: User) -> None:
    user.calendar_token_hash = None
    db.session.flush()


def user_for_calendar(token: str) -> User:
    query = select(User).where(User.calendar_token_hash == _calendar_digest(token)).options(*with_roles())
    user = db.session.scalars(query).unique().first() if token else None
    if user is None or not user.is_enabled:
        raise NotFound(_l("no calendar at this address (the link may have been revoked)"))
    return user


def _require_admin(actor: User) -> None:
    if not access.has_role(actor, "admin"):
        raise Forbidden(_l("only administrators may see and retry the outbox"))


def list_outbox(actor: User, status: str | None = None, limit: int = 200) -> list[OutboxMessage]:
    """Messages for the admin's view, newest first: by default those still to send or failed."""
    _require_admin(actor)
    query = select(OutboxMessage).options(joinedload(OutboxMessage.user)).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == choice(status, "status", STATUSES))
    else:
        query = query.where(OutboxMessage.status.in_(("pending", "sending", "failed")))
    return list(db.session.scalars(query))


def retry_message(message: OutboxMessage, actor: User) -> OutboxMessage:
    """Give a failed message a fresh set of attempts (e.g. after the address was corrected)."""
    _require_admin(actor)
    if message.status != "failed":
        raise Conflict(
            _l(
                "message %(id)s is %(status)s, not failed; only failed messages can be retried",
                id=message.id,
                status=message.status,
            )
        )
    message.status, message.attempts, message.next_attempt_at, message.claim_token = "pending", 0, clock.now(), None
    record("retry_mail", actor=actor, subject=f"outbox:{message.id}", comment=message.last_error)
    db.session.flush()
    return message
