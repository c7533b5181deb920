"""A task addressed to a role within a mission or component (or to one person), with a due date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.core.db import CreatedAtMixin, UTCDateTime
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission


class Task(CreatedAtMixin, db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_open_role", "closed_at", "role", "mission_id"),
        # My tasks: the open tasks of a component role, soonest due first
        Index("ix_tasks_component_role", "component_id", "role", "closed_at", "due"),
        # The scheduler's reminder window: open tasks due by a date, without reading the closed history.
        Index("ix_tasks_open_due", "closed_at", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"))
    component_id: Mapped[int | None] = mapped_column(ForeignKey("components.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    # Closing a submission's or an action's tasks finds them by these, not by a scan of every open task.
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"), index=True)
    state: Mapped[str] = mapped_column(String(40))
    due: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    mission: Mapped[Mission] = relationship(lazy="raise_on_sql")
    component: Mapped[Component | None] = relationship(lazy="raise_on_sql")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="raise_on_sql")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
