"""Bringing the database schema up to date: Alembic migrations when present."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_migrate import upgrade

from config import ROOT
from cpas_workflow.extensions import db


def upgrade_schema() -> None:
    migrations = ROOT / "migrations"
    if (migrations / "env.py").exists():
        upgrade(directory=str(migrations))
    else:  # before the first migration exists
        db.create_all()
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
