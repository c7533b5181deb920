"""The demo data of the API contract: missions DEMO and OTHER, their components and users.

Every step looks before it writes, so loading twice changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpas_workflow.accounts.models import User
from cpas_workflow.accounts.operations import assign_role, create_user, find_user, hash_password
from cpas_workflow.core import clock
from cpas_workflow.engine import store
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission

MISSIONS = [
    (
        "DEMO",
        "Demo Mission",
        "Africa/Bangui",
        [("CIV", "Civilian component", "civilian"), ("MIL", "Force", "military"), ("POL", "Police (UNPOL)", "police")],
    ),
    ("OTHER", "Other Mission", "Africa/Juba", [("CIV", "Civilian component", "civilian")]),
]

USERS = [
    ("spu@demo.example", "Sam Planner", [("spu", "DEMO", None)]),
    ("lead@demo.example", "Lee Leader", [("leadership", "DEMO", None)]),
    ("civ.fp@demo.example", "Cleo Civil", [("focal_point", "DEMO", "CIV")]),
    ("mil.fp@demo.example", "Milo Force", [("focal_point", "DEMO", "MIL")]),
    ("pol.fp@demo.example", "Polly Police", [("focal_point", "DEMO", "POL")]),
    ("civ.head@demo.example", "Cas Head", [("component_head", "DEMO", "CIV")]),
    ("mil.head@demo.example", "Max Head", [("component_head", "DEMO", "MIL")]),
    ("pol.head@demo.example", "Pat Head", [("component_head", "DEMO", "POL")]),
    ("viewer@demo.example", "Vic Viewer", [("viewer", "DEMO", None)]),
    ("hq@demo.example", "Hana Headquarters", [("hq", None, None)]),
    ("admin@demo.example", "Ada Admin", [("admin", None, None)]),
    ("spu@other.example", "Oli Planner", [("spu", "OTHER", None)]),
]


def _mission(code: str, name: str, tz: str, components) -> tuple[Mission, bool]:
    query = select(Mission).where(Mission.code == code).options(selectinload(Mission.components))
    mission = db.session.scalar(query)
    created = mission is None
    if created:
        mission = Mission(code=code, name=name, timezone=tz, created_at=clock.now(), components=[])
        db.session.add(mission)
        db.session.flush()
    for c_code, c_name, kind in components:
        if mission.component(c_code) is None:
            db.session.add(Component(mission=mission, code=c_code, name=c_name, kind=kind, created_at=clock.now()))
            created = True
    db.session.flush()
    db.session.refresh(mission, ["components"])
    return mission, created


def _user(email: str, name: str, password_hash: str) -> tuple[User, bool]:
    user = find_user(email)
    if user is not None:
        return user, False
    return create_user(email, name, None, password_hash=password_hash), True


def load_demo(password: str) -> bool:
    """Load the demo data; True if anything was created."""
    store.register_all()
    changed = False
    missions = {}
    for code, name, tz, components in MISSIONS:
        missions[code], created = _mission(code, name, tz, components)
        changed |= created
    password_hash = hash_password(password)  # one hash serves every demo user: all share the password
    for email, name, roles in USERS:
        user, created = _user(email, name, password_hash)
        changed |= created
        before = len(user.roles)
        for role, mission_code, component in roles:
            assign_role(user, role, missions.get(mission_code), component)
        changed |= len(user.roles) != before
    from flask import current_app

    from cpas_workflow import demo_history

    if current_app.config.get("CPAS_DEMO_HISTORY", True):
        changed |= demo_history.load(missions["DEMO"])
    return changed
