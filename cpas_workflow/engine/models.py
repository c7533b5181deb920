"""Stored workflow definitions: the content a cycle started with, kept by name and version."""

from __future__ import annotations

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cpas_workflow.core.db import CreatedAtMixin
from cpas_workflow.extensions import db


class WorkflowDefinition(CreatedAtMixin, db.Model):
    __tablename__ = "workflow_definitions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    checksum: Mapped[str] = mapped_column(String(64))
    # Read only when a content is parsed for the first time in a process (store._parsed_row):
    # a cycle loaded with its definition row does not decode the JSON.
    body: Mapped[dict] = mapped_column(JSON, deferred=True)
