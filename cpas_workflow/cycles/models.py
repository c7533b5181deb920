"""A cycle: the state of one assessment (or planning) run, versioned for optimistic locking."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.core.db import CreatedAtMixin, UTCDateTime
from cpas_workflow.engine.models import WorkflowDefinition
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission

# The quarterly assessments: the default definition and its variants (the joint sign-off). Their
# cycles make the trends, factsheets and HQ comparisons, and have a consolidated assessment page.
ASSESSMENT_WORKFLOWS = ("quarterly_assessment", "quarterly_assessment_joint")


class Cycle(CreatedAtMixin, db.Model):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("workflow_definitions.id"))
    submission_definition_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_definitions.id"))
    period: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    input_due: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state_entered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The published results framework the cycle started with (its indicators are the ones reported).
    framework_version_id: Mapped[int | None] = mapped_column(ForeignKey("framework_versions.id"))

    mission: Mapped[Mission] = relationship(lazy="raise_on_sql")
    definition: Mapped[WorkflowDefinition] = relationship(foreign_keys=[definition_id], lazy="raise_on_sql")
    # Loaded with the cycle where its submissions' triggers are worked out (store.definition_for_version
    # then finds the row in the session instead of reading it again).
    submission_definition: Mapped[WorkflowDefinition | None] = relationship(
        foreign_keys=[submission_definition_id], lazy="raise_on_sql"
    )
    submissions: Mapped[list[Submission]] = relationship(  # noqa: F821
        back_populates="cycle", order_by="Submission.id", lazy="raise_on_sql"
    )
    # Only the cycle's current recommendations: proposals, declined, merged and withdrawn ones stay
    # in the table (the register, the audit trail) but are no part of the cycle's work.
    recommendations: Mapped[list[Recommendation]] = relationship(  # noqa: F821
        back_populates="cycle",
        primaryjoin="and_(Cycle.id == Recommendation.cycle_id, Recommendation.stage == 'current')",
        order_by="Recommendation.id",
        lazy="raise_on_sql",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def workflow(self) -> str:
        return self.definition.name

    def stamp_entry(self, now: dt.datetime) -> None:
        """The engine moved the cycle to a new state at `now`."""
        self.state_entered_at = now

    @property
    def is_assessment(self) -> bool:
        """A quarterly assessment: the default definition or a variant of it (the joint sign-off)."""
        return self.workflow in ASSESSMENT_WORKFLOWS

    @property
    def workflow_version(self) -> int:
        return self.definition.version

    def __repr__(self) -> str:
        return f"<Cycle {self.id} {self.period} {self.state}>"
