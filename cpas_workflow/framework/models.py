"""The results framework of a mission (versions, priorities → outcomes → outputs, indicators) and
the indicator values components report each period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpas_workflow.core.db import CreatedAtMixin, UTCDateTime
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component

LEVELS = ("priority", "outcome", "output")
KINDS = ("number", "percentage", "count", "yes_no", "level")
DIRECTIONS = ("higher", "lower")
FREQUENCIES = ("monthly", "quarterly", "semiannual", "annual")
VERSION_STATES = ("draft", "published", "superseded")

result_components = Table(
    "framework_result_components",
    db.metadata,
    Column("result_id", ForeignKey("framework_results.id", ondelete="CASCADE"), primary_key=True),
    Column("component_id", ForeignKey("components.id"), primary_key=True),
)


class FrameworkVersion(CreatedAtMixin, db.Model):
    """One version of a mission's framework: a draft edited in a planning cycle, then published."""

    __tablename__ = "framework_versions"
    __table_args__ = (UniqueConstraint("mission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # The mission plan cycle that drafted it. No foreign key: cycles already point here
    # (framework_version_id), and a cycle of foreign keys cannot be created or dropped in order.
    planning_cycle_id: Mapped[int | None] = mapped_column(Integer, index=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    mission = relationship("Mission", lazy="raise_on_sql")
    results: Mapped[list[Result]] = relationship(
        back_populates="version", order_by="Result.position", lazy="raise_on_sql", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="version", order_by="Indicator.position", lazy="raise_on_sql", cascade="all, delete-orphan"
    )

    def of_level(self, level: str) -> list[Result]:
        return [r for r in self.results if r.level == level]

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)


class Result(db.Model):
    """A priority (intended impact), an outcome or an output, with the components contributing."""

    __tablename__ = "framework_results"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("framework_results.id"))
    level: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    version: Mapped[FrameworkVersion] = relationship(back_populates="results", lazy="raise_on_sql")
    parent: Mapped[Result | None] = relationship(remote_side=[id], back_populates="children", lazy="raise_on_sql")
    children: Mapped[list[Result]] = relationship(
        back_populates="parent", order_by="Result.position", lazy="raise_on_sql"
    )
    components: Mapped[list[Component]] = relationship(
        secondary=result_components, order_by="Component.code", lazy="raise_on_sql"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="result", order_by="Indicator.position", lazy="raise_on_sql"
    )

    @property
    def component_codes(self) -> list[str]:
        return [c.code for c in self.components]


class Indicator(db.Model):
    """What is measured on an outcome or output, how, by whom, from where to where."""

    __tablename__ = "framework_indicators"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id", ondelete="CASCADE"), index=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("framework_results.id"))
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20))
    levels: Mapped[str] = mapped_column(
        Text, default=""
    )  # allowed levels of a `level` indicator, "|"-separated, lowest first
    direction: Mapped[str] = mapped_column(String(10), default="higher")
    baseline_value: Mapped[str | None] = mapped_column(String(100))
    baseline_date: Mapped[dt.date | None] = mapped_column(Date)
    target_value: Mapped[str | None] = mapped_column(String(100))
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    # The range a number or count may take, narrower than its kind's (framework/values.py); None = the kind's.
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    data_source: Mapped[str] = mapped_column(String(300), default="")
    frequency: Mapped[str] = mapped_column(String(20), default="quarterly")
    is_headline: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    version: Mapped[FrameworkVersion] = relationship(back_populates="indicators", lazy="raise_on_sql")
    result: Mapped[Result] = relationship(back_populates="indicators", lazy="raise_on_sql")
    component: Mapped[Component] = relationship(lazy="raise_on_sql")

    @property
    def allowed_levels(self) -> list[str]:
        return [level.strip() for level in self.levels.split("|") if level.strip()]


class IndicatorValue(CreatedAtMixin, db.Model):
    """One value of one indicator for one period, reported by one component in its submission."""

    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("submission_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("framework_indicators.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    period: Mapped[str] = mapped_column(String(20), index=True)
    value_number: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    no_data_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    indicator: Mapped[Indicator] = relationship(lazy="raise_on_sql")
    component: Mapped[Component] = relationship(lazy="raise_on_sql")
    submission = relationship("Submission", lazy="raise_on_sql")

    # Set by the query that read the value (framework.queries.mission_values): whether the
    # publication rule lets it leave the mission. Not stored.
    is_published = None

    @property
    def value(self):
        """The value as the API gives it: a number, true/false, a level's name, or None (no data)."""
        if self.no_data_reason is not None:
            return None
        kind = self.indicator.kind
        if kind == "yes_no":
            return self.value_text == "yes"
        if kind == "level":
            return self.value_text
        if kind == "count":
            return int(self.value_number)
        return self.value_number


class IndicatorValueChange(db.Model):
    """One change of an indicator value after its first submission: who, when, old → new, why.
    Kept by submission and indicator (not by value row), so a value removed keeps its history."""

    __tablename__ = "indicator_value_changes"
    __table_args__ = (Index("ix_indicator_value_changes_value", "submission_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("framework_indicators.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    old_number: Mapped[float | None] = mapped_column(Float)
    old_text: Mapped[str | None] = mapped_column(String(100))
    old_no_data_reason: Mapped[str | None] = mapped_column(Text)
    new_number: Mapped[float | None] = mapped_column(Float)  # new_* all empty: the value was removed
    new_text: Mapped[str | None] = mapped_column(String(100))
    new_no_data_reason: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)

    indicator: Mapped[Indicator] = relationship(lazy="raise_on_sql")
    actor = relationship("User", lazy="raise_on_sql")
