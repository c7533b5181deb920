"""The admin's pages: missions, components, users, role assignments, the audit log."""

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpas_workflow.accounts.models import User
from cpas_workflow.accounts.queries import get_user
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from tests.conftest import PASSWORD, csrf_token
from tests.web_helpers import flashes, page, post, signed_in


def _user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_only_the_admin_sees_the_admin_pages(app, demo):
    client = signed_in(app, "spu@demo.example")
    for url in ["/admin", "/admin/users", "/admin/audit", "/admin/missions/DEMO"]:
        page(client, url, status=403)
    post(client, "/admin/missions", {"code": "NEW", "name": "New", "timezone": "UTC"}, status=403)
    assert "Administration" not in page(client, "/")
    assert "Administration" in page(signed_in(app, "admin@demo.example"), "/")


def test_a_mission_is_created_and_bad_input_is_refused_next_to_the_field(app, demo):
    admin = signed_in(app, "admin@demo.example")
    html = post(admin, "/admin/missions", {"code": "new mission", "name": "New", "timezone": "UTC"}, status=422)
    assert "Use capital letters, digits, - and _ only." in html and 'value="new mission"' in html
    html = post(admin, "/admin/missions", {"code": "DEMO", "name": "Again", "timezone": "UTC"}, status=422)
    assert "exists already" in html
    html = post(
        admin, "/admin/missions", {"code": "MINUSX", "name": "Mission X", "timezone": "Mars/Olympus"}, status=422
    )
    assert "is not a time zone name" in html
    post(admin, "/admin/missions", {"code": "MINUSX", "name": "Mission X", "timezone": "Africa/Juba"})
    html = post(
        admin, "/admin/missions/MINUSX/components", {"code": "MIL", "name": "Force", "kind": "navy"}, status=422
    )
    assert "Not a valid choice" in html
    post(admin, "/admin/missions/MINUSX/components", {"code": "MIL", "name": "Force", "kind": "military"})
    post(admin, "/admin/missions/MINUSX", {"name": "Mission X renamed", "timezone": "Africa/Kinshasa"})
    with app.app_context():
        mission = db.session.scalar(
            select(Mission).where(Mission.code == "MINUSX").options(selectinload(Mission.components))
        )
        assert (mission.name, mission.timezone, [c.code for c in mission.components]) == (
            "Mission X renamed",
            "Africa/Kinshasa",
            ["MIL"],
        )
    html = page(admin, "/admin/audit?mission=MINUSX")
    assert "Mission created" in html and "Component added" in html and "Mission edited" in html


def test_users_are_created_given_roles_and_disabled(app, demo):
    admin = signed_in(app, "admin@demo.example")
    html = post(admin, "/admin/users", {"email": "spu@demo.example", "name": "Twin", "password": ""}, status=422)
    assert "exists already" in html
    post(admin, "/admin/users", {"email": "new.fp@demo.example", "name": "New Person", "password": PASSWORD})
    uid = _user_id(app, "new.fp@demo.example")
    html = post(
        admin, f"/admin/users/{uid}/roles", {"role": "focal_point", "mission": "DEMO", "component": ""}, status=422
    )
    assert "name one of CIV, MIL, POL" in html
    post(admin, f"/admin/users/{uid}/roles", {"role": "focal_point", "mission": "DEMO", "component": "mil"})
    html = page(admin, f"/admin/users/{uid}")
    assert "Focal point — DEMO/MIL" in html
    person = signed_in(app, "new.fp@demo.example")
    assert 'href="/missions/DEMO"' in page(person, "/")
    post(admin, f"/admin/users/{uid}/status", {})  # the box unticked: may no longer sign in
    assert "can no longer sign in" in flashes(page(admin, f"/admin/users/{uid}"))[0]
    fresh = app.test_client()
    response = fresh.post(
        "/sign-in",
        data={"email": "new.fp@demo.example", "password": PASSWORD, "csrf_token": csrf_token(fresh, "/sign-in")},
    )
    assert response.status_code == 422


def test_a_role_is_withdrawn(app, demo):
    admin = signed_in(app, "admin@demo.example")
    uid = _user_id(app, "viewer@demo.example")
    with app.app_context():
        assignment_id = get_user(uid).roles[0].id
    post(admin, f"/admin/users/{uid}/roles/{assignment_id}/revoke", {})
    page(signed_in(app, "viewer@demo.example"), "/missions/DEMO", status=404)


def test_the_admin_cannot_disable_themself(app, demo):
    admin = signed_in(app, "admin@demo.example")
    uid = _user_id(app, "admin@demo.example")
    html = post(admin, f"/admin/users/{uid}/status", {}, status=422)
    assert "you cannot disable your own account" in html


def test_the_audit_log_names_what_each_event_was_done_to_in_words(app, api):
    from tests.cycle_helpers import cycle_in

    cycle_in(api, "closed")
    html = page(signed_in(app, "admin@demo.example"), "/admin/audit?mission=DEMO")
    shown = re.sub(r"<[^>]*>", " ", html)  # the text read (the stored subject stays at hand as a tooltip)
    assert sorted(set(re.findall(r"\b(?:cycle|submission|recommendation):\d+|\b[a-z]+_[a-z_]+\b", shown))) == []
    assert "DEMO 2026-Q4 quarterly performance assessment" in html and "Civilian component input" in html
    assert "“Strengthen early warning”" in html
    assert "Cycle closed" in html and "Follow-up → Closed" in html  # as the cycle's own trail says it
