"""Dated role assignments and handovers: an ended assignment stops giving its role at once and stays in
the history; the successor (or the SPU) reads what the predecessor left and acknowledges it."""

from __future__ import annotations

import datetime as dt

from cpas_workflow.accounts.models import RoleAssignment
from cpas_workflow.accounts.queries import user_by_email
from cpas_workflow.extensions import db
from tests.cycle_helpers import SPU, cycle_in, fp, head, ok
from tests.people_helpers import add_holder
from tests.web_helpers import page, post, signed_in

NEW_HEAD = "civ.head2@demo.example"


def assignment_of(app, email: str, role: str) -> int:
    with app.app_context():
        return next(a.id for a in user_by_email(email).roles if a.role == role)


def test_an_ended_role_stops_at_once_and_stays_in_the_history(app, api):
    admin = signed_in(app, "admin@demo.example")
    with app.app_context():
        uid = user_by_email(head("CIV")).id
    aid = assignment_of(app, head("CIV"), "component_head")
    assert api(head("CIV")).get("/api/v1/missions/DEMO/cycles").status_code == 200
    post(admin, f"/admin/users/{uid}/roles/{aid}/revoke", {})
    assert api(head("CIV")).get("/api/v1/missions/DEMO/cycles").status_code == 404
    assert ok(api(head("CIV")).get("/api/v1/me"))["roles"] == []
    with app.app_context():
        kept = db.session.get(RoleAssignment, aid)
        assert kept is not None and kept.ended_at is not None and kept.ends_on == dt.date(2026, 10, 1)
    assert "Roles held before" in page(admin, f"/admin/users/{uid}")


def test_a_role_given_for_dates_holds_only_between_them(app, api, frozen_clock):
    from tests.notify_helpers import utc

    admin = signed_in(app, "admin@demo.example")
    add_holder(app, NEW_HEAD, "Nia Next", "viewer", mission="OTHER")
    with app.app_context():
        uid = user_by_email(NEW_HEAD).id
    post(
        admin,
        f"/admin/users/{uid}/roles",
        {
            "role": "component_head",
            "mission": "DEMO",
            "component": "CIV",
            "starts_on": "2026-10-05",
            "ends_on": "2026-10-09",
        },
    )
    html = post(
        admin,
        f"/admin/users/{uid}/roles",
        {"role": "leadership", "mission": "DEMO", "starts_on": "2026-10-09", "ends_on": "2026-10-01"},
        status=422,
    )
    assert "the last day is before the first day" in html
    assert api(NEW_HEAD).get("/api/v1/missions/DEMO/cycles").status_code == 404  # not yet
    frozen_clock.set(utc(2026, 10, 5, 6))
    assert api(NEW_HEAD).get("/api/v1/missions/DEMO/cycles").status_code == 200
    frozen_clock.set(utc(2026, 10, 10, 6))
    assert api(NEW_HEAD).get("/api/v1/missions/DEMO/cycles").status_code == 404  # over


def test_the_successor_reads_the_handover_with_the_notes_and_acknowledges_it(app, api):
    from tests.test_evidence_attachments import PDF, upload

    cycle = cycle_in(api, "followup")
    rid = cycle["recommendations"][0]["id"]
    url = f"/api/v1/recommendations/{rid}/attachments"
    evidence = ok(upload(api, head("CIV"), url, PDF, "Alert network minutes.pdf"), 201)
    predecessor = signed_in(app, head("CIV"))
    aid = assignment_of(app, head("CIV"), "component_head")
    post(predecessor, f"/handovers/{aid}/notes", {"notes": "Call **Amina** at the HR office first."})

    add_holder(app, NEW_HEAD, "Nia Next", "component_head", component="CIV")
    admin = signed_in(app, "admin@demo.example")
    with app.app_context():
        uid = user_by_email(head("CIV")).id
    post(admin, f"/admin/users/{uid}/roles/{aid}/revoke", {})

    successor = signed_in(app, NEW_HEAD)
    assert f"/handovers/{aid}" in page(successor, "/handovers")
    html = page(successor, f"/handovers/{aid}")
    assert "<strong>Amina</strong>" in html  # the notes, rendered
    assert "Strengthen early warning" in html  # the open follow-up action of the component
    actions = html.split('id="actions"')[1].split("</section>")[0]
    assert f'href="/attachments/{evidence["id"]}" download>Alert network minutes.pdf</a>' in actions  # its evidence
    assert successor.get(f"/attachments/{evidence['id']}").status_code == 200
    assert "CIV made progress." in html  # the input of the last quarters
    post(successor, f"/handovers/{aid}/acknowledge", {})
    assert "Nia Next" in page(successor, f"/handovers/{aid}").split('id="acknowledged"')[1]
    assert f"/handovers/{aid}" not in page(successor, "/handovers")  # read: no longer waiting
    events = ok(api(SPU).get("/api/v1/missions/DEMO/cycles"))  # noqa: F841  (the audit is per mission)
    with app.app_context():
        from sqlalchemy import select

        from cpas_workflow.core.audit import AuditEvent

        query = select(AuditEvent.action).where(AuditEvent.subject == f"role:{aid}").order_by(AuditEvent.id)
        actions = list(db.session.scalars(query))
    assert actions == ["write_handover_notes", "acknowledge_handover"]


def test_a_handover_is_for_the_successor_the_spu_and_the_holder_only(app, api):
    aid = assignment_of(app, head("CIV"), "component_head")
    assert "Handover" in page(signed_in(app, SPU), f"/handovers/{aid}")
    page(signed_in(app, fp("CIV")), f"/handovers/{aid}", status=403)
    page(signed_in(app, "spu@other.example"), f"/handovers/{aid}", status=404)
    post(signed_in(app, SPU), f"/handovers/{aid}/notes", {"notes": "not mine"}, status=403)


def test_the_spu_finds_the_people_of_its_mission_paged_and_only_its_own(app, api):
    html = page(signed_in(app, SPU), "/missions/DEMO/people")
    assert fp("CIV") in html and "spu@other.example" not in html
    page(signed_in(app, "spu@other.example"), "/missions/DEMO/people", status=404)
    page(signed_in(app, fp("CIV")), "/missions/DEMO/people", status=404)


def test_the_spu_sets_up_an_acting_officer_for_someone_who_left(app, api):
    with app.app_context():
        uid = user_by_email(fp("CIV")).id
    spu = signed_in(app, SPU)
    post(spu, f"/people/{uid}/delegations", {"to": fp("MIL"), "starts": "2026-10-01", "ends": "2026-10-31"})
    tasks_of = ok(api(fp("MIL")).get("/api/v1/me/delegations"))
    assert [(d["from"], d["to"]) for d in tasks_of] == [(fp("CIV"), fp("MIL"))]
    page(signed_in(app, "spu@other.example"), f"/people/{uid}/delegations", status=404)
    page(signed_in(app, fp("POL")), f"/people/{uid}/delegations", status=404)
