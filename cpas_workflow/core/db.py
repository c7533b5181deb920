"""Column types and mixins shared by the models."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, TypeDecorator, inspect
from sqlalchemy.orm import Mapped, mapped_column

from cpas_workflow.core import clock

DB_ID_MAX = 2**31 - 1  # the largest id a row can have (an INTEGER column on PostgreSQL); larger numbers name nothing


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, hands back aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is expected")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        return value.replace(tzinfo=dt.UTC) if value is not None else None


class CreatedAtMixin:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)


def start_collections_empty(target, args, kwargs) -> None:
    """A new object's collections start empty instead of unloaded. Relationships never load lazily
    (they raise), and a row created in this transaction has no children but those added to it."""
    for rel in inspect(type(target)).relationships:
        if rel.uselist and rel.key not in kwargs:
            kwargs[rel.key] = []


def write_aside(statement) -> None:
    """One bookkeeping write (a "last seen" instant) in its own short transaction: committed at once
    whatever becomes of the request's transaction, and without expiring what the request loaded."""
    from cpas_workflow.extensions import db

    with db.engine.begin() as connection:
        connection.execute(statement)


def run(statement, params=None):
    """A Core statement built once (rows, not objects) on the session's connection, in its transaction,
    after the session's autoflush as `session.execute` would do it, but without the ORM's execution
    path, which costs more than the statement itself on a transition's small reads and writes."""
    from cpas_workflow.extensions import db

    session = db.session
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection().execute(statement, params)
