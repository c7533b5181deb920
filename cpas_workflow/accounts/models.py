"""Users, their role assignments (per mission or component), API tokens, browser sessions and sign-in
attempts."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from cpas_workflow.core.db import CreatedAtMixin, UTCDateTime
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission

ROLES = ("spu", "focal_point", "component_head", "leadership", "viewer", "hq", "admin")
MISSION_ROLES = ("spu", "leadership", "viewer")
COMPONENT_ROLES = ("focal_point", "component_head")
GLOBAL_ROLES = ("hq", "admin")
NOTIFY_CHOICES = ("immediate", "daily", "weekly", "off")
LANGUAGES = ("en", "fr")


class User(UserMixin, CreatedAtMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    notify: Mapped[str] = mapped_column(String(10), default="daily")
    language: Mapped[str] = mapped_column(String(5), default="en")
    # SHA-256 of the secret in the user's calendar address: the address is shown once, when made.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_digest_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # The unread notices (notifications/inbox.py), loaded with the signed-in user in the same statement
    # (accounts/sessions.py); None where not asked for.
    unread_notifications: Mapped[int | None] = query_expression()
    # Whether a delegation to the user is in force today, loaded with the signed-in user instead of
    # the delegations themselves (accounts.queries.signed_in): False spares reading them; None where
    # not asked for.
    has_delegations: Mapped[bool | None] = query_expression()

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", lazy="raise_on_sql", cascade="all, delete-orphan"
    )
    # The delegations in force to this user (loaded with the user's roles, see accounts.queries).
    delegations_in: Mapped[list[Delegation]] = relationship(
        "Delegation", foreign_keys="Delegation.delegate_id", lazy="raise_on_sql", viewonly=True
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot sign in
        return self.is_enabled

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RoleAssignment(CreatedAtMixin, db.Model):
    """One role held by one user: global (hq, admin), in a mission, or in one component, from
    `starts_on` to `ends_on` (local dates, both inclusive, open when empty). Ending an assignment keeps
    the row (`ended_at`): the history says who held what when, and the successor gets a handover."""

    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id"), index=True)
    component_id: Mapped[int | None] = mapped_column(ForeignKey("components.id"))
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # What the holder leaves their successor (Markdown), shown on the handover page.
    handover_notes: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(back_populates="roles", lazy="raise_on_sql")
    mission: Mapped[Mission | None] = relationship(lazy="raise_on_sql")
    component: Mapped[Component | None] = relationship(lazy="raise_on_sql")

    def is_current(self, today: dt.date) -> bool:
        """Whether the assignment gives its role on `today` (ended ones never again, at once)."""
        return (
            self.ended_at is None
            and (self.starts_on is None or self.starts_on <= today)
            and (self.ends_on is None or today <= self.ends_on)
        )


class Delegation(CreatedAtMixin, db.Model):
    """An acting officer: `delegate` acts with `delegator`'s roles in `mission` (never hq or admin)
    from `starts` to `ends` (both inclusive); ending it early sets `ended_at`, effective at once."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    starts: Mapped[dt.date] = mapped_column(Date)
    ends: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id], lazy="raise_on_sql")
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id], lazy="raise_on_sql")
    mission: Mapped[Mission] = relationship(lazy="raise_on_sql")

    def is_active(self, today: dt.date) -> bool:
        return self.ended_at is None and self.starts <= today <= self.ends


class Handover(CreatedAtMixin, db.Model):
    """The acknowledgement of a handover: `by` read what an ended role assignment left behind."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("role_assignments.id"), index=True)
    acknowledged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    acknowledged_by: Mapped[User] = relationship(lazy="raise_on_sql")


class ApiToken(CreatedAtMixin, db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise_on_sql")


class UserSession(CreatedAtMixin, db.Model):
    """One signed-in browser. The cookie carries a random id; only its SHA-256 is stored, and deleting
    the row ends the session wherever the cookie has been copied to."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(lazy="raise_on_sql")


class SignInAttempt(db.Model):
    """One try at a password (form or API), for throttling per account and per client address."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(10))  # failed, succeeded, throttled
