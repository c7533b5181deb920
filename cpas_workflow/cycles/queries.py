"""Loading cycles within the caller's missions."""

from __future__ import annotations

from sqlalchemy import select

from cpas_workflow.core import access
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission


def get_cycle(cycle_id: int, user, *, for_update: bool = False) -> Cycle:
    """The cycle if `user` may see it, else NotFound. `for_update` locks the row (PostgreSQL)."""
    query = select(Cycle).where(Cycle.id == cycle_id)
    if for_update:
        query = query.with_for_update(of=Cycle)
    cycle = db.session.scalars(query).unique().first()
    return access.ensure_visible(user, cycle)


def get_mission(code: str, user) -> Mission:
    mission = db.session.scalar(select(Mission).where(Mission.code == code))
    return access.ensure_visible(user, mission)


def mission_cycles(mission: Mission) -> list[Cycle]:
    return list(
        db.session.scalars(
            select(Cycle).where(Cycle.mission_id == mission.id).order_by(Cycle.input_due.desc(), Cycle.id.desc())
        ).unique()
    )


def visible_missions(user) -> list[Mission]:
    ids = access.visible_mission_ids(user)
    query = select(Mission).order_by(Mission.code)
    if ids is not None:
        query = query.where(Mission.id.in_(ids))
    return list(db.session.scalars(query).unique())
