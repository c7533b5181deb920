"""The audit trail: one immutable event for every decision, written in the deciding transaction."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy import insert as sa_insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.core import clock
from cpas_workflow.core.db import UTCDateTime
from cpas_workflow.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)  # digests: what changed since
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The user the actor acted for, when they acted only through that user's delegation.
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(80))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)

    actor = relationship("User", foreign_keys=[actor_id], lazy="raise_on_sql")
    on_behalf_of = relationship("User", foreign_keys=[on_behalf_of_id], lazy="raise_on_sql")


def record(action: str, **keywords) -> AuditEvent:
    """Add an audit event to the current transaction; the boundary commits it with the change.
    The keywords: as `event_values`."""
    event = AuditEvent(**event_values(action, **keywords))
    db.session.add(event)
    return event


def insert(action: str, **keywords) -> None:
    """The same event as `record`, written at once by one INSERT built once per process, no object in
    the session: the engine's firing path on rows."""
    db.session.connection().execute(_insert(), event_values(action, **keywords))


@functools.cache
def _insert():
    return sa_insert(AuditEvent.__table__)


def event_values(
    action: str,
    *,
    actor,
    subject: str,
    mission_id: int | None = None,
    cycle_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    on_behalf_of=None,
) -> dict:
    """The columns of an audit event. `on_behalf_of` defaults to whom the actor's last authorized
    action was for (a delegation)."""
    from cpas_workflow.core.access import acts_for

    on_behalf_of = on_behalf_of or (acts_for(actor) if actor is not None else None)
    return {
        "at": clock.now(),
        "actor_id": actor.id if actor is not None else None,
        "on_behalf_of_id": on_behalf_of.id if on_behalf_of is not None else None,
        "mission_id": mission_id,
        "cycle_id": cycle_id,
        "action": action,
        "subject": subject,
        "from_state": from_state,
        "to_state": to_state,
        "comment": comment or None,
    }
