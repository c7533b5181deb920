"""A recommendation, leadership's decision on it, and the dated follow-up updates of its action."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.accounts.models import User
from cpas_workflow.core.db import CreatedAtMixin, UTCDateTime
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component

DECISIONS = ("approve", "reject", "amend")
DECIDED = {"approve": "approved", "reject": "rejected", "amend": "amended"}
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
SETTLED_STATUSES = ("done", "dropped", "carried_over")


class Recommendation(CreatedAtMixin, db.Model):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    due: Mapped[dt.date] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str | None] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    cycle: Mapped["Cycle"] = relationship(back_populates="recommendations", lazy="raise_on_sql")  # noqa: F821, UP037
    component: Mapped[Component] = relationship(lazy="raise_on_sql")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="raise_on_sql")
    updates: Mapped[list[RecommendationUpdate]] = relationship(
        back_populates="recommendation", order_by="RecommendationUpdate.id", lazy="raise_on_sql"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_action(self) -> bool:
        """Approved or amended recommendations become follow-up actions."""
        return self.decision in ("approved", "amended")

    @property
    def mission(self):
        return self.cycle.mission


class RecommendationUpdate(CreatedAtMixin, db.Model):
    __tablename__ = "recommendation_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)

    recommendation: Mapped[Recommendation] = relationship(back_populates="updates", lazy="raise_on_sql")
    actor: Mapped[User | None] = relationship(lazy="raise_on_sql")
