"""Loading missions with their components (a handful each; nearly every use of a mission names them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission


def mission_by_code(code: str) -> Mission | None:
    query = select(Mission).where(Mission.code == code).options(selectinload(Mission.components))
    return db.session.scalar(query)


def all_missions() -> list[Mission]:
    return list(db.session.scalars(select(Mission).options(selectinload(Mission.components)).order_by(Mission.code)))
