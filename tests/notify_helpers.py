"""Helpers for the notification tests: a real SMTP server (aiosmtpd), preferences, the outbox, passes."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import socket
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts.models import User
from cpas_workflow.core import clock
from cpas_workflow.extensions import db
from notifications.models import OutboxMessage
from notifications.outbox import Addressee, render_message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class Inbox:
    """aiosmtpd handler keeping every message it accepts; `hold` makes it stall inside DATA."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.hold = False  # stall inside DATA (a scheduler can be killed mid-send)
        self.holding = False
        self.drop_held = False  # a stalled message is then refused (its sender is gone)

    async def handle_DATA(self, server, session, envelope):
        was_held = self.hold
        while self.hold:
            self.holding = True
            await asyncio.sleep(0.05)
        if was_held and self.drop_held:
            self.drop_held = False
            return "451 sender went away"
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 OK"

    def keys(self) -> list[str]:
        return [r.message["X-CPAS-Key"] for r in self.received]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be taken down and brought back on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    """The app sends through a real SMTP server for this test (config restored afterwards)."""
    server = SmtpServer()
    server.start()
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_SUPPRESS_SEND", "CPAS_MAIL_TIMEOUT")
    saved = {k: app.config.get(k) for k in keys}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_SUPPRESS_SEND=False, CPAS_MAIL_TIMEOUT=5)
    yield server
    server.stop()
    app.config.update(saved)


def set_notify(app, email_address: str, notify: str) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.email == email_address).values(notify=notify))
        db.session.commit()


def outbox(app, **where) -> list[OutboxMessage]:
    """The outbox rows, oldest first; a message queued unrendered shows what it would say if sent now
    (rendered by the same function as delivery, in its recipient's language)."""
    with app.app_context():
        query = select(OutboxMessage).options(joinedload(OutboxMessage.user)).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        for row in rows:
            if row.body_text is None and row.user is not None:
                to = Addressee(row.user.id, row.recipient, row.user.name, row.user.language)
                row.subject, row.unsubscribe_url, row.body_text, row.body_html = render_message(row, to)
        return rows


def keys(app, **where) -> list[str]:
    return [m.key for m in outbox(app, **where)]


def run_job(app, job, at: dt.datetime | None = None):
    """One job as the scheduler runs it (own transaction, clock frozen at `at`)."""
    from notifications.runner import run_job as run

    with app.app_context():
        assert run(getattr(job, "__name__", "job"), job, at or clock.now())


def run_pass(app, at: dt.datetime | None = None) -> None:
    from notifications.runner import run_once

    with app.app_context():
        assert run_once(at or clock.now()) == []


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
