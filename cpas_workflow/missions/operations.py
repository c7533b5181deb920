"""Verbs on missions and components (the admin's): create, edit, add a component."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.errors import ValidationFailed
from cpas_workflow.core.text import choice, clean_line
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import COMPONENT_KINDS, Component, Mission

CODE = re.compile(r"^[A-Z0-9_-]{1,20}$")


def _code(value: str) -> str:
    code = (value or "").strip().upper()
    if not CODE.match(code):
        raise ValidationFailed(
            _l("a code is 1 to 20 capital letters, digits, - or _, not %(value)s", value=repr(value)),
            fields={"code": "bad code"},
        )
    return code


def _timezone(value: str) -> str:
    name = (value or "").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            _l("%(value)s is not a time zone name such as Africa/Bangui", value=repr(value)),
            fields={"timezone": "unknown time zone"},
        ) from None
    return name


def create_mission(code: str, name: str, timezone: str, actor) -> Mission:
    access.require_instance(actor, "manage_instance")
    code = _code(code)
    if db.session.scalar(select(Mission).where(Mission.code == code)) is not None:
        raise ValidationFailed(_l("a mission with code %(code)s exists already", code=code), fields={"code": "taken"})
    mission = Mission(
        code=code,
        name=clean_line(name, "name", required=True),
        timezone=_timezone(timezone),
        created_at=clock.now(),
    )
    db.session.add(mission)
    db.session.flush()
    audit.record("create_mission", actor=actor, subject=f"mission:{code}", mission_id=mission.id, comment=mission.name)
    return mission


def update_mission(mission: Mission, name: str, timezone: str, actor) -> Mission:
    access.require_instance(actor, "manage_instance")
    mission.name = clean_line(name, "name", required=True)
    mission.timezone = _timezone(timezone)
    db.session.flush()
    audit.record(
        "update_mission",
        actor=actor,
        subject=f"mission:{mission.code}",
        mission_id=mission.id,
        comment=f"{mission.name}; {mission.timezone}",
    )
    return mission


def add_component(mission: Mission, code: str, name: str, kind: str, actor) -> Component:
    access.require_instance(actor, "manage_instance")
    code = _code(code)
    if mission.component(code) is not None:
        raise ValidationFailed(
            _l("%(mission)s has a component %(code)s already", mission=mission.code, code=code),
            fields={"code": "taken"},
        )
    component = Component(
        mission=mission,
        code=code,
        name=clean_line(name, "name", required=True),
        kind=choice(kind, "kind", COMPONENT_KINDS),
        created_at=clock.now(),
    )
    db.session.add(component)
    db.session.flush()
    db.session.refresh(mission, ["components"])
    audit.record(
        "add_component",
        actor=actor,
        subject=f"component:{mission.code}/{code}",
        mission_id=mission.id,
        comment=component.name,
    )
    return component
