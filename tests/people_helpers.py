"""People in tests: a second holder of a role, delegations through the API."""

from __future__ import annotations

from cpas_workflow.accounts import operations as accounts
from cpas_workflow.accounts.queries import user_by_email
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from tests.conftest import PASSWORD
from tests.cycle_helpers import ok

SPU2 = "spu2@demo.example"


def add_holder(app, email: str, name: str, role: str, mission: str = "DEMO", component: str | None = None) -> None:
    """A user holding `role` (created if new), as an admin would add them."""
    with app.app_context():
        user = user_by_email(email) or accounts.create_user(email, name, PASSWORD)
        accounts.assign_role(user, role, _mission(mission), component)
        db.session.commit()


def _mission(code: str) -> Mission:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    return db.session.scalars(
        select(Mission).where(Mission.code == code).options(selectinload(Mission.components))
    ).one()


def delegate(api, email: str, to: str, starts: str = "2026-10-01", ends: str = "2026-10-20", **extra) -> dict:
    body = {"to": to, "starts": starts, "ends": ends, **extra}
    return ok(api(email).post("/api/v1/me/delegations", json=body), 201)
