"""Queueing messages: render a template pair for one person and add it to the outbox, once per key.

Producers (the engine, the scheduler's jobs) call these inside their own transaction, so a message
exists exactly when the change that caused it was committed. A second producer inserting the same
key does nothing (INSERT ... ON CONFLICT DO NOTHING), which is what makes every job safe to rerun.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from cpas_workflow.core import clock
from cpas_workflow.core.text import one_line
from cpas_workflow.extensions import db
from notifications.models import OutboxMessage

UNSUBSCRIBE_SALT = "cpas-unsubscribe"
KEY_CHUNK = 500


class Recipient(Protocol):
    id: int
    email: str
    name: str
    language: str


def link(path: str) -> str:
    """An absolute link for an e-mail (no request here: CPAS_BASE_URL says where the site lives)."""
    return current_app.config["CPAS_BASE_URL"].rstrip("/") + path


def task_path(task) -> str:
    if task.submission_id:
        return f"/submissions/{task.submission_id}"
    return f"/cycles/{task.cycle_id}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: Recipient) -> str:
    """Signed, so the link works without signing in; bound to the address it was sent to."""
    return _serializer().dumps({"u": user.id, "e": user.email})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        return None
    return data["u"], data["e"]


Subject = tuple[str, dict[str, Any]]  # (message id for gettext, its parameters)


def render(template: str, user: Recipient, subject: Subject, **context: Any) -> tuple[str, str, str, str]:
    """(subject, unsubscribe url, text, html) of `templates/emails/<template>.txt|.html` for `user`,
    in the user's language."""
    unsubscribe_url = link(f"/unsubscribe/{unsubscribe_token(user)}")
    context.update(user=user, link=link, unsubscribe_url=unsubscribe_url, preferences_url=link("/me/notifications"))
    with force_locale(user.language or "en"):
        title = gettext(subject[0], **subject[1])
        text = render_template(f"emails/{template}.txt", subject=title, **context)
        html = render_template(f"emails/{template}.html", subject=title, **context)
    return title, unsubscribe_url, text, html


def message_row(key: str, kind: str, user: Recipient, template: str, *, subject: Subject, **context: Any) -> dict:
    """A prepared outbox row: the message rendered now, in the producer's transaction."""
    title, unsubscribe_url, text, html = render(template, user, subject, **context)
    now = clock.now()
    return {
        "key": key[:200],
        "kind": kind,
        "user_id": user.id,
        "recipient": user.email,
        "subject": one_line(title)[:300],
        "body_text": text,
        "body_html": html,
        "unsubscribe_url": unsubscribe_url,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def _insert_ignoring_duplicates():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["key"])


def add_rows(rows: Sequence[dict]) -> None:
    """Insert prepared rows in one statement; keys already present are left as they are."""
    if rows:
        db.session.execute(_insert_ignoring_duplicates(), list(rows))


def enqueue(key: str, kind: str, user: Recipient, template: str, *, subject: Subject, **context: Any) -> bool:
    """Queue one message unless `key` is already queued; True if this call added it."""
    row = message_row(key, kind, user, template, subject=subject, **context)
    result = db.session.execute(_insert_ignoring_duplicates().returning(OutboxMessage.__table__.c.id), row)
    return result.first() is not None


def existing_keys(keys: Iterable[str]) -> set[str]:
    """Which of `keys` are already in the outbox (read in chunks, so a job can skip rendering them)."""
    keys = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        found.update(db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk))))
    return found
