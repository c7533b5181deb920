"""The outbox: every e-mail the application means to send, written in the transaction that causes it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.accounts.models import User
from cpas_workflow.core.db import CreatedAtMixin, UTCDateTime
from cpas_workflow.extensions import db

STATUSES = ("pending", "sending", "sent", "failed", "skipped")  # skipped: not wanted any more when due


class OutboxMessage(CreatedAtMixin, db.Model):
    """One message to one person. `key` names what it is about (`task-812:reminder:before-3:user-5`);
    its uniqueness is what makes every producer safe to run twice or in two processes at once.

    A message is either rendered when queued (subject and bodies set), or queued with `context` only —
    what its template needs, as plain JSON — and rendered when it is sent (the scheduler's jobs queue
    tens of thousands at a time; rendering them all up front made a pass take minutes)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))  # None until rendered (see `context`)
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    context: Mapped[dict | None] = mapped_column(JSON)  # what to render at delivery
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)  # for `skipped`: why it was not sent
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.key} {self.status}>"
