"""A mission and the components (civilian, military, police, field offices) that make it up."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.core.db import CreatedAtMixin
from cpas_workflow.extensions import db

COMPONENT_KINDS = ("civilian", "military", "police", "field_office")


class Mission(CreatedAtMixin, db.Model):
    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")

    components: Mapped[list[Component]] = relationship(
        back_populates="mission", order_by="Component.code", lazy="raise_on_sql"
    )

    def component(self, code: str) -> Component | None:
        return next((c for c in self.components if c.code == code), None)

    def __repr__(self) -> str:
        return f"<Mission {self.code}>"


class Component(CreatedAtMixin, db.Model):
    __tablename__ = "components"
    __table_args__ = (UniqueConstraint("mission_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))

    mission: Mapped[Mission] = relationship(back_populates="components", lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<Component {self.mission_id}/{self.code}>"
