"""Queueing messages: render a template pair for one person and add it to the outbox, once per key.

Producers (the engine, the scheduler's jobs) call these inside their own transaction, so a message
exists exactly when the change that caused it was committed. A second producer inserting the same
key does nothing (INSERT ... ON CONFLICT DO NOTHING), which is what makes every job safe to rerun.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from cpas_workflow.core import clock
from cpas_workflow.core.text import one_line
from cpas_workflow.extensions import db
from notifications.models import OutboxMessage

UNSUBSCRIBE_SALT = "cpas-unsubscribe"


class Recipient(Protocol):
    id: int
    email: str
    name: str
    language: str


def link(path: str) -> str:
    """An absolute link for an e-mail (no request here: CPAS_BASE_URL says where the site lives)."""
    return current_app.config["CPAS_BASE_URL"].rstrip("/") + path


class _ClockSigner(TimestampSigner):
    """Signs with the app's clock, so a link's age is measured on the same time as everything else."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT, signer=_ClockSigner)


class LinkExpired(Exception):
    """A genuine unsubscribe link older than CPAS_UNSUBSCRIBE_DAYS."""


def unsubscribe_token(user: Recipient) -> str:
    """Signed with its date, so the link works without signing in for CPAS_UNSUBSCRIBE_DAYS (60);
    bound to the address it was sent to."""
    return _serializer().dumps({"u": user.id, "e": user.email})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, e-mail) of a genuine, recent link; None if forged; LinkExpired if too old."""
    max_age = current_app.config["CPAS_UNSUBSCRIBE_DAYS"] * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkExpired() from None
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
        "context": None,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


class Addressee(NamedTuple):
    """Who a rendered message is for: the user as they are when it is sent, at the address it was queued for."""

    id: int
    email: str
    name: str
    language: str


# kind -> renderer: (kind, context) -> (template, subject, the template's context)
Renderer = Callable[[str, dict], tuple[str, Subject, dict]]
RENDERERS: dict[str, Renderer] = {}


def renders(*kinds: str) -> Callable[[Renderer], Renderer]:
    """Register the function that turns a deferred message's JSON context back into its template's."""

    def register(function: Renderer) -> Renderer:
        for kind in kinds:
            RENDERERS[kind] = function
        return function

    return register


def _renderer(kind: str) -> Renderer:
    import notifications.digests  # noqa: F401  (they register the kinds they queue)
    import notifications.task_messages  # noqa: F401

    return RENDERERS[kind]


class Deferred(NamedTuple):
    """A message to queue unrendered: `context` is JSON text for the kind's renderer (serialized once
    and shared by every recipient of the same news)."""

    key: str
    kind: str
    user: Recipient
    context: str


def deferred_row(key: str, kind: str, user: Recipient, context: str) -> Deferred:
    return Deferred(key[:200], kind, user, context)


def add_deferred(rows: Sequence[Deferred]) -> int:
    """Queue unrendered messages in one statement (INSERT ... ON CONFLICT DO NOTHING), keys already
    present left as they are; the number of rows actually added.

    A pass of the scheduler queues tens of thousands of rows at once: they go straight to the driver's
    executemany, their instants converted once, because SQLAlchemy's per-row parameter processing cost
    more than the database's own work."""
    if not rows:
        return 0
    connection = db.session.connection()
    dialect = connection.dialect
    table = OutboxMessage.__table__
    stamp_processor = table.c.created_at.type.bind_processor(dialect)
    now = clock.now()
    stamp = stamp_processor(now) if stamp_processor else now
    columns = ("key", "kind", "user_id", "recipient", "context", "status", "attempts", "next_attempt_at", "created_at")
    quote = dialect.identifier_preparer.quote
    into = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
    conflict = f" ON CONFLICT ({quote('key')}) DO NOTHING"
    if dialect.name == "postgresql":
        # One statement whatever the number of rows: the columns as arrays, sent in binary (%b: the
        # JSON texts need no quoting, four times faster than text arrays). No NOT EXISTS before the
        # insert: with an outbox the planner thinks empty, it scans the rows the same statement is
        # writing, once per row (85 s for 40,000 rows); ON CONFLICT probes the key index instead.
        sql = (
            into + "SELECT k, kind, u, r, c::json, 'pending', 0, %s, %s "
            "FROM unnest(%b::text[], %b::text[], %b::int[], %b::text[], %b::text[]) AS t(k, kind, u, r, c)" + conflict
        )
        arrays = [
            list(column)
            for column in zip(*((r.key, r.kind, r.user.id, r.user.email, r.context) for r in rows), strict=True)
        ]
        return connection.exec_driver_sql(sql, (stamp, stamp, *arrays)).rowcount
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = into + f"VALUES ({', '.join([mark] * len(columns))})" + conflict
    params = [(r.key, r.kind, r.user.id, r.user.email, r.context, "pending", 0, stamp, stamp) for r in rows]
    return connection.exec_driver_sql(sql, params).rowcount


def render_message(message: OutboxMessage, user: Addressee) -> tuple[str, str | None, str, str]:
    """(subject, unsubscribe url, text, html) of a queued message; a deferred one is rendered now."""
    if message.body_text is not None:
        return message.subject or "", message.unsubscribe_url, message.body_text, message.body_html or ""
    template, subject, context = _renderer(message.kind)(message.kind, message.context or {})
    return render(template, user, subject, **context)


def subject_of(message: OutboxMessage) -> str:
    """The subject line as it is (or will be) sent, for the administrators' lists."""
    if message.subject is not None or message.user is None:
        return message.subject or message.key
    _template, subject, _context = _renderer(message.kind)(message.kind, message.context or {})
    with force_locale(message.user.language or "en"):
        return gettext(subject[0], **subject[1])


def _insert_ignoring_duplicates():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["key"])


def add_rows(rows: Sequence[dict]) -> int:
    """Insert prepared rows in one statement; keys already present are left as they are. The number
    of rows actually added."""
    if not rows:
        return 0
    return db.session.execute(_insert_ignoring_duplicates(), list(rows)).rowcount


def enqueue(key: str, kind: str, user: Recipient, template: str, *, subject: Subject, **context: Any) -> bool:
    """Queue one message unless `key` is already queued; True if this call added it."""
    row = message_row(key, kind, user, template, subject=subject, **context)
    result = db.session.execute(_insert_ignoring_duplicates().returning(OutboxMessage.__table__.c.id), row)
    return result.first() is not None
