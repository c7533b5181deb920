"""Sending the outbox: claim a row, send it through Flask-Mail (or write it to a file), record the outcome.

A row is claimed by one conditional UPDATE, committed before anything is sent, so two schedulers
never send the same row. A scheduler that dies after claiming leaves the row `sending`; once the
lease (CPAS_MAIL_LEASE_SECONDS) has passed, another pass takes it again, so nothing is lost. The one
window left — the server accepted the message but the process died before recording it — can
resend a message; its Message-ID is fixed per row, so mail clients show it once.

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
import uuid
from pathlib import Path

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message
from sqlalchemy import and_, or_, select, update

from cpas_workflow.core.text import one_line
from cpas_workflow.extensions import db, mail
from notifications.models import OutboxMessage

log = logging.getLogger("cpas.mail")
BATCH = 200
MAX_BACKOFF = dt.timedelta(hours=6)
outbox = OutboxMessage.__table__


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


def claim(message_id: int, now: dt.datetime) -> str | None:
    """Take one row for this process (committed at once); its claim token, or None if another has it."""
    token = uuid.uuid4().hex
    result = db.session.execute(
        update(outbox)
        .where(outbox.c.id == message_id, _claimable(now))
        .values(status="sending", claimed_at=now, claim_token=token, attempts=outbox.c.attempts + 1)
    )
    db.session.commit()
    return token if result.rowcount == 1 else None


def _finish(message_id: int, token: str, **values) -> None:
    db.session.execute(update(outbox).where(outbox.c.id == message_id, outbox.c.claim_token == token).values(**values))
    db.session.commit()


def _failed(message: OutboxMessage, token: str, error: str, now: dt.datetime) -> None:
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


def skip_reason(message: OutboxMessage) -> str | None:
    """Why `message` must not go out now, or None. The same rule as when queueing: every producer
    leaves out disabled users and users whose preference is `off`, whatever the kind of message
    (escalations included: a head who switched mail off still sees overdue tasks in the application).
    A row whose user is gone (deleted: the foreign key is set to null) is not sent either."""
    user = message.user
    if user is None:
        return "the recipient's account was deleted after this message was queued"
    if not user.is_enabled:
        return "the recipient's account was disabled after this message was queued"
    if user.notify == "off":
        return "the recipient turned e-mail off after this message was queued"
    return None


def build_message(message: OutboxMessage) -> Message:
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

    def send(self, message: OutboxMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{message.id:08d}-{hashlib.sha256(message.key.encode()).hexdigest()[:12]}.eml"
        partial = self.folder / (name + ".part")
        partial.write_bytes(build_message(message).as_bytes())
        partial.replace(self.folder / name)

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP connection per pass, opened on first use, with a socket time-out so a hung server
    cannot block the scheduler (Flask-Mail's connection has none of its own)."""

    def __init__(self, config: dict, testing: bool) -> None:
        self.state = mail.init_mail(config, testing=testing)  # the settings as they are now
        self.timeout = config["CPAS_MAIL_TIMEOUT"]
        self.connection: Connection | None = None

    def send(self, message: OutboxMessage) -> None:
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


def deliver_outbox(now: dt.datetime) -> int:
    """Send what is due as of `now`; the number of messages sent in this pass."""
    candidates = list(
        db.session.scalars(
            select(outbox.c.id).where(_claimable(now)).order_by(outbox.c.next_attempt_at, outbox.c.id).limit(BATCH)
        )
    )
    db.session.commit()  # end the read: each claim below is its own short write transaction
    sender = transport()
    sent = 0
    try:
        for message_id in candidates:
            token = claim(message_id, now)
            if token is None:
                continue
            message = db.session.get(OutboxMessage, message_id)
            reason = skip_reason(message)
            if reason is not None:
                log.info("not sending %s: %s", message.key, reason)
                _finish(message_id, token, status="skipped", last_error=reason, claim_token=None)
                continue
            try:
                sender.send(message)
            except TransportDown as exc:
                _failed(message, token, str(exc), now)
                break
            except Exception as exc:  # this message only (refused, malformed): retried later, never lost
                _failed(message, token, f"{type(exc).__name__}: {exc}", now)
                continue
            _finish(message_id, token, status="sent", sent_at=now, last_error=None, claim_token=None)
            sent += 1
    finally:
        sender.close()
    return sent
