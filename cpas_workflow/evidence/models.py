"""One attached file: its name as uploaded, its size, type and SHA-256 (the bytes are in the blob
store under that hash), who attached it to which submission or follow-up action, and when."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.accounts.models import User
from cpas_workflow.core.db import CreatedAtMixin
from cpas_workflow.extensions import db


class Attachment(CreatedAtMixin, db.Model):
    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(submission_id IS NULL) <> (recommendation_id IS NULL)", name="attachment_on_one_object"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)  # the mission's scope, the report
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    uploaded_by: Mapped[User | None] = relationship(lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename!r}>"
