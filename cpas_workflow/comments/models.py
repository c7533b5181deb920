"""One comment in a thread on a cycle, one of its submissions or one of its recommendations; a reply
names its parent, and every comment of a thread its first one (`root_id`), so that a page of threads
is read in two statements however deep the replies go."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.core.db import CreatedAtMixin
from cpas_workflow.extensions import db


class Comment(CreatedAtMixin, db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("submission_id IS NULL OR recommendation_id IS NULL", name="comment_on_one_object"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)  # alone: a comment on the cycle
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)

    author = relationship("User", lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<Comment {self.id}>"
