"""Sending the outbox: claim a batch of rows, render and send them through one SMTP connection (or
write them to files), record each outcome as it happens.

A batch (CPAS_MAIL_BATCH rows) is claimed by one conditional UPDATE, committed before anything is
sent, so two schedulers never send the same row. Each message's outcome is committed on its own as
soon as it is known. A scheduler that dies after claiming leaves the rest of its batch `sending`; once
the lease (CPAS_MAIL_LEASE_SECONDS) has passed, another pass takes them again, so nothing is lost. A
batch is never worked on for more than half the lease (what is left is handed back), so a slow server
cannot make a lease run out under a live sender. The one window left — the server accepted the
message but the process died before recording it — can resend a message; its Message-ID is fixed per
row, so mail clients show it once. A pass goes on claiming batches until nothing is due or
CPAS_MAIL_PASS_SECONDS have gone by, so a backlog of tens of thousands drains in minutes.

A preference is checked again when a message is sent, not only when it is queued: a user who turned
e-mail off (or unsubscribed, or whose account was disabled or deleted) after a message was queued
does not get it; the row becomes `skipped`, with the reason in `last_error`. No kind of message
overrides "off" — none is queued for such users either (see `skip_reason`). A switch between
`immediate`, `daily` and `weekly` leaves queued messages as they are: they were wanted when queued.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message
from sqlalchemy import and_, or_, select, text, update

from cpas_workflow.accounts.models import User
from cpas_workflow.core.text import one_line
from cpas_workflow.extensions import db, mail
from notifications.models import OutboxMessage
from notifications.outbox import Addressee, render_message

log = logging.getLogger("cpas.mail")
MAX_BACKOFF = dt.timedelta(hours=6)
outbox = OutboxMessage.__table__
users = User.__table__


class TransportDown(Exception):
    """The mail server cannot be reached: stop this pass, try again on the next."""


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt `attempts + 1`: CPAS_MAIL_RETRY_SECONDS doubled each time, at most 6 hours."""
    base = current_app.config["CPAS_MAIL_RETRY_SECONDS"]
    return min(dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claimable(now: dt.datetime):
    lease = dt.timedelta(seconds=current_app.config["CPAS_MAIL_LEASE_SECONDS"])
    return or_(
        and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now),
        and_(outbox.c.status == "sending", outbox.c.claimed_at < now - lease),
    )


@dataclass
class Outgoing:
    """A claimed message as read for sending, with what is needed of its user (None: deleted)."""

    id: int
    key: str
    kind: str
    recipient: str
    attempts: int
    subject: str | None
    body_text: str | None
    body_html: str | None
    unsubscribe_url: str | None
    context: dict | None
    user: Addressee | None
    is_enabled: bool
    notify: str | None


def claim_batch(now: dt.datetime, size: int) -> tuple[str, list[Outgoing]]:
    """Take up to `size` due rows for this process (committed at once): the claim token and the rows."""
    token = uuid.uuid4().hex
    due = select(outbox.c.id).where(_claimable(now)).order_by(outbox.c.next_attempt_at, outbox.c.id).limit(size)
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)  # two schedulers take different rows, neither waits
    db.session.execute(
        update(outbox)
        .where(outbox.c.id.in_(due), _claimable(now))
        .values(status="sending", claimed_at=now, claim_token=token, attempts=outbox.c.attempts + 1)
    )
    db.session.commit()
    rows = db.session.execute(
        select(outbox, users.c.name, users.c.language, users.c.is_enabled, users.c.notify)
        .outerjoin(users, users.c.id == outbox.c.user_id)
        .where(outbox.c.claim_token == token)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
    ).all()
    db.session.commit()
    claimed = [
        Outgoing(
            r.id,
            r.key,
            r.kind,
            r.recipient,
            r.attempts,
            r.subject,
            r.body_text,
            r.body_html,
            r.unsubscribe_url,
            r.context,
            Addressee(r.user_id, r.recipient, r.name, r.language or "en") if r.user_id is not None else None,
            bool(r.is_enabled),
            r.notify,
        )
        for r in rows
    ]
    return token, claimed


def release(token: str) -> None:
    """Hand back what is left of a batch, untried: due again at once, the attempt not counted."""
    db.session.execute(
        update(outbox)
        .where(outbox.c.claim_token == token, outbox.c.status == "sending")
        .values(status="pending", claim_token=None, claimed_at=None, attempts=outbox.c.attempts - 1)
    )
    db.session.commit()


def _finish(message_id: int, token: str, **values) -> None:
    """Record one message's outcome in its own commit. On PostgreSQL that commit does not wait for
    the disk (`synchronous_commit` off for this transaction only): a crash can lose the last outcomes
    of a fraction of a second, which only means those messages are sent again once their lease has
    passed, with the same Message-ID — the window the design already accepts — while 40,000 outcomes
    no longer cost 40,000 disk flushes. SQLite gets the same from `synchronous=NORMAL`."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.execute(update(outbox).where(outbox.c.id == message_id, outbox.c.claim_token == token).values(**values))
    db.session.commit()


def _failed(message: Outgoing, token: str, error: str, now: dt.datetime) -> None:
    attempts = message.attempts
    if attempts >= current_app.config["CPAS_MAIL_MAX_ATTEMPTS"]:
        log.error("giving up on %s after %d attempts: %s", message.key, attempts, error)
        _finish(message.id, token, status="failed", last_error=error[:2000], claim_token=None)
    else:
        log.warning("sending %s failed (attempt %d), will retry: %s", message.key, attempts, error)
        _finish(
            message.id,
            token,
            status="pending",
            last_error=error[:2000],
            claim_token=None,
            next_attempt_at=now + backoff(attempts),
        )


def skip_reason(message: Outgoing) -> str | None:
    """Why `message` must not go out now, or None. The same rule as when queueing: every producer
    leaves out disabled users and users whose preference is `off`, whatever the kind of message
    (escalations included: a head who switched mail off still sees overdue tasks in the application).
    A row whose user is gone (deleted: the foreign key is set to null) is not sent either."""
    if message.user is None:
        return "the recipient's account was deleted after this message was queued"
    if not message.is_enabled:
        return "the recipient's account was disabled after this message was queued"
    if message.notify == "off":
        return "the recipient turned e-mail off after this message was queued"
    return None


@dataclass
class Rendered:
    """A message ready to go: what the outbox row says, rendered if it was queued unrendered."""

    id: int
    key: str
    recipient: str
    subject: str
    unsubscribe_url: str | None
    body_text: str
    body_html: str


def build_message(message: Rendered) -> Message:
    """The message through Flask-Mail's API only: every header value is folded onto one line, and the
    library's own check of the result (`has_bad_headers`) runs before any transport writes it."""
    headers = {"Auto-Submitted": "auto-generated", "X-CPAS-Key": one_line(message.key)}
    if message.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{one_line(message.unsubscribe_url)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg = Message(
        subject=one_line(message.subject),
        recipients=[one_line(message.recipient)],
        body=message.body_text,
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=headers,
    )
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:24]
    msg.msgId = f"<outbox-{message.id}-{digest}@cpas-workflow>"
    if msg.has_bad_headers():
        raise BadHeaderError(f"outbox message {message.id} has a header that is not one line")
    return msg


class FileTransport:
    """No mail server configured: each message becomes an .eml file under CPAS_MAIL_DIR."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, message: Rendered) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{message.id:08d}-{hashlib.sha256(message.key.encode()).hexdigest()[:12]}.eml"
        partial = self.folder / (name + ".part")
        partial.write_bytes(build_message(message).as_bytes())
        partial.replace(self.folder / name)

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP connection per batch, opened on first use, with a socket time-out so a hung server
    cannot block the scheduler (Flask-Mail's connection has none of its own)."""

    def __init__(self, config: dict, testing: bool) -> None:
        self.state = mail.init_mail(config, testing=testing)  # the settings as they are now
        self.timeout = config["CPAS_MAIL_TIMEOUT"]
        self.connection: Connection | None = None

    def send(self, message: Rendered) -> None:
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(self.timeout)
        try:
            if self.connection is None:
                # Connection(state), not mail.connect(): that one uses the settings read at start-up.
                self.connection = Connection(self.state).__enter__()
            self.connection.send(build_message(message))
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            raise  # this message was refused; the connection is still good for the next
        except OSError as exc:  # refused, unreachable, timed out, dropped (smtplib's errors are OSErrors)
            self.connection = None
            raise TransportDown(f"{type(exc).__name__}: {exc}") from exc
        finally:
            socket.setdefaulttimeout(previous)

    def close(self) -> None:
        if self.connection is not None and self.connection.host is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.host.quit()
        self.connection = None


def transport():
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return FileTransport(config["CPAS_MAIL_DIR"])
    return SmtpTransport(config, current_app.testing)


def _rendered(message: Outgoing) -> Rendered:
    subject, unsubscribe_url, text, html = render_message(message, message.user)
    return Rendered(message.id, message.key, message.recipient, one_line(subject)[:300], unsubscribe_url, text, html)


def _send_batch(token: str, batch: list[Outgoing], now: dt.datetime, started: float) -> tuple[int, bool]:
    """Send one claimed batch through one connection; (messages sent, whether the server is down)."""
    lease = current_app.config["CPAS_MAIL_LEASE_SECONDS"]
    sender = transport()
    sent = 0
    try:
        for message in batch:
            if time.monotonic() - started > lease / 2:
                return sent, False  # the rest is released by the caller, well inside the lease
            reason = skip_reason(message)
            if reason is not None:
                log.info("not sending %s: %s", message.key, reason)
                _finish(message.id, token, status="skipped", last_error=reason, claim_token=None)
                continue
            try:
                rendered = _rendered(message)
                sender.send(rendered)
            except TransportDown as exc:
                _failed(message, token, str(exc), now)
                return sent, True
            except Exception as exc:  # this message only (refused, malformed): retried later, never lost
                _failed(message, token, f"{type(exc).__name__}: {exc}", now)
                continue
            # A message rendered only now keeps what it said, for the administrators' view.
            said = (
                {"subject": rendered.subject, "unsubscribe_url": rendered.unsubscribe_url}
                | {"body_text": rendered.body_text, "body_html": rendered.body_html}
                if message.body_text is None
                else {}
            )
            _finish(message.id, token, status="sent", sent_at=now, last_error=None, claim_token=None, **said)
            sent += 1
    finally:
        sender.close()
    return sent, False


def deliver_outbox(now: dt.datetime) -> int:
    """Send what is due as of `now`, batch after batch, until nothing is due, the server is down or
    CPAS_MAIL_PASS_SECONDS have passed; the number of messages sent in this pass."""
    config = current_app.config
    db.session.commit()  # end any read: each claim below is its own short write transaction
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < config["CPAS_MAIL_PASS_SECONDS"]:
        token, batch = claim_batch(now, config["CPAS_MAIL_BATCH"])
        if not batch:
            break
        batch_started = time.monotonic()
        try:
            done, down = _send_batch(token, batch, now, batch_started)
        finally:
            release(token)  # whatever this batch did not get to (none, unless stopped early)
        sent += done
        if down:
            break
    return sent
