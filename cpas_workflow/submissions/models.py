"""One component's input to one cycle: narrative, rating, indicator values; versioned."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.comments.models import Comment
from cpas_workflow.core.db import CreatedAtMixin, UTCDateTime
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component

RATINGS = ("on_track", "some_progress", "no_progress", "regression", "not_assessed")


class Submission(CreatedAtMixin, db.Model):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("cycle_id", "component_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    due: Mapped[dt.date] = mapped_column(Date)
    is_required: Mapped[bool] = mapped_column(default=True)
    narrative: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[str | None] = mapped_column(String(20))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    endorsed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped["Cycle"] = relationship(back_populates="submissions", lazy="raise_on_sql")  # noqa: F821, UP037
    component: Mapped[Component] = relationship(lazy="raise_on_sql")
    comments: Mapped[list[Comment]] = relationship(
        primaryjoin="Submission.id == Comment.submission_id", order_by="Comment.id", lazy="raise_on_sql", viewonly=True
    )

    __mapper_args__ = {"version_id_col": version}

    def stamp_entry(self, now: dt.datetime) -> None:
        """The engine moved the input to a new state at `now`: when it was submitted, when endorsed."""
        if self.state == "submitted":
            self.submitted_at = now
        elif self.state == "endorsed":
            self.endorsed_at = now

    @property
    def mission(self):
        return self.cycle.mission

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.state}>"


# The comments on a submission are the generic thread comments (cpas_workflow/comments) on it.
SubmissionComment = Comment
