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
# Where a recommendation stands outside leadership's decision: only `current` ones belong to their
# cycle's list (drafts, decided ones, actions); the others are kept for the register and the trail.
STAGES = ("proposed", "declined", "merged", "withdrawn", "current")
# Every fate the register knows, in the order a reader meets them.
FATES = (
    "proposed",
    "declined",
    "merged",
    "withdrawn",
    "drafted",
    "approved",
    "rejected",
    "amended",
    "done",
    "dropped",
    "carried_over",
)

co_owners = db.Table(
    "recommendation_co_owners",
    db.Column("recommendation_id", ForeignKey("recommendations.id"), primary_key=True),
    db.Column("component_id", ForeignKey("components.id"), primary_key=True),
)


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
    stage: Mapped[str] = mapped_column(String(20), default="current", server_default="current", index=True)
    stage_comment: Mapped[str | None] = mapped_column(Text)  # why it was declined or withdrawn
    stage_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    original_body: Mapped[str | None] = mapped_column(Text)  # the text before leadership amended it
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"))
    # The first recommendation of a chain of carry-overs (None: this one is the first).
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"))

    cycle: Mapped["Cycle"] = relationship(back_populates="recommendations", lazy="raise_on_sql")  # noqa: F821, UP037
    component: Mapped[Component] = relationship(lazy="raise_on_sql")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="raise_on_sql")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id], lazy="raise_on_sql")
    carried_from: Mapped[Recommendation | None] = relationship(
        foreign_keys=[carried_from_id], remote_side=[id], lazy="raise_on_sql"
    )
    origin: Mapped[Recommendation | None] = relationship(
        foreign_keys=[origin_id], remote_side=[id], lazy="raise_on_sql"
    )
    merged_into: Mapped[Recommendation | None] = relationship(
        foreign_keys=[merged_into_id], remote_side=[id], lazy="raise_on_sql"
    )
    co_components: Mapped[list[Component]] = relationship(secondary=co_owners, lazy="raise_on_sql")
    updates: Mapped[list[RecommendationUpdate]] = relationship(
        back_populates="recommendation", order_by="RecommendationUpdate.id", lazy="raise_on_sql"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_action(self) -> bool:
        """Approved or amended recommendations become follow-up actions."""
        return self.decision in ("approved", "amended")

    @property
    def is_undecided_draft(self) -> bool:
        return self.stage == "current" and self.decision is None

    @property
    def fate(self) -> str:
        """The register's one word for where it ended up (or stands now)."""
        if self.stage != "current":
            return self.stage
        if self.status in ("done", "dropped", "carried_over"):
            return self.status
        return self.decision or "drafted"

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
