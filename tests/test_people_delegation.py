# ruff: noqa: F811  (the smtp fixture is imported)
"""Acting officers: a user delegates their mission and component roles for a date range to someone of
the same mission, who then sees and does the delegator's work; the record and the e-mails name both."""

from __future__ import annotations

from notifications.delivery import deliver_outbox
from notifications.reminders import send_reminders
from tests.cycle_helpers import SPU, fire, fire_submission, fp, head, ok, start_cycle
from tests.notify_helpers import outbox, run_job, set_notify, smtp, utc  # noqa: F401
from tests.people_helpers import delegate

CLEO, MILO = fp("CIV"), fp("MIL")  # Cleo Civil delegates her CIV focal point role to Milo Force


def civ_submission(api) -> dict:
    cycle = ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))
    return next(s for s in cycle["submissions"] if s["component"] == "CIV")


def test_a_delegate_submits_the_delegators_input_and_the_record_and_the_mail_name_both(app, api, smtp):
    set_notify(app, head("CIV"), "immediate")
    submission = civ_submission(api)
    made = delegate(api, CLEO, MILO, note="On R&R")
    assert set(made) >= {"id", "to", "starts", "ends"} and made["to"] == MILO and made["ends"] == "2026-10-20"

    tasks = ok(api(MILO).get("/api/v1/tasks"))
    civ = [t for t in tasks if t["component"] == "CIV"]
    assert civ and all(t["on_behalf_of"] == CLEO for t in civ)
    assert all(t["on_behalf_of"] is None for t in tasks if t["component"] == "MIL")

    sid = submission["id"]
    ok(api(MILO).put(f"/api/v1/submissions/{sid}", json={"narrative": "Done for Cleo.", "rating": "on_track"}))
    ok(fire_submission(api, MILO, sid, "submit"))

    cycle_id = ok(api(SPU).get(f"/api/v1/submissions/{sid}"))["cycle"]
    [submitted] = [e for e in ok(api(SPU).get(f"/api/v1/cycles/{cycle_id}/events")) if e["action"] == "submit"]
    assert (submitted["actor"], submitted["on_behalf_of"]) == (MILO, CLEO)
    [edited] = [e for e in ok(api(SPU).get(f"/api/v1/cycles/{cycle_id}/events")) if e["action"] == "edit_submission"]
    assert (edited["actor"], edited["on_behalf_of"]) == (MILO, CLEO)

    run_job(app, deliver_outbox)
    [mail] = [r for r in smtp.inbox.received if r.recipients == [head("CIV")]]
    assert "Milo Force for Cleo Civil" in mail.text and "Milo Force for Cleo Civil" in mail.html


def test_the_cycle_page_shows_who_acted_for_whom(app, api, client):
    from tests.web_helpers import page, signed_in

    submission = civ_submission(api)
    delegate(api, CLEO, MILO)
    ok(api(MILO).put(f"/api/v1/submissions/{submission['id']}", json={"narrative": "x", "rating": "on_track"}))
    cycle_id = ok(api(SPU).get(f"/api/v1/submissions/{submission['id']}"))["cycle"]
    with signed_in(app, SPU) as browser:
        assert "Milo Force for Cleo Civil" in page(browser, f"/cycles/{cycle_id}")


def test_a_delegation_to_a_user_of_another_mission_is_refused_naming_the_field(api):
    response = api(CLEO).post(
        "/api/v1/me/delegations", json={"to": "spu@other.example", "starts": "2026-10-01", "ends": "2026-10-05"}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"to": "not in the same mission"}


def test_bad_delegations_are_refused_with_what_is_wrong(api):
    cases = [
        ({"to": "nobody@demo.example", "starts": "2026-10-01", "ends": "2026-10-05"}, 422, "to"),
        ({"to": CLEO, "starts": "2026-10-01", "ends": "2026-10-05"}, 422, "to"),
        ({"to": MILO, "starts": "2026-10-05", "ends": "2026-10-01"}, 422, "ends"),
        ({"to": MILO, "starts": "2026-09-01", "ends": "2026-09-05"}, 422, "ends"),
        ({"to": MILO, "starts": "2026-10-01"}, 400, "ends"),
        ({"to": MILO, "starts": "1 October", "ends": "2026-10-05"}, 422, "starts"),
    ]
    for body, status, field in cases:
        response = api(CLEO).post("/api/v1/me/delegations", json=body)
        assert response.status_code == status, (body, response.get_json())
        assert (
            field in response.get_json()["error"].get("fields", {}) or field in response.get_json()["error"]["message"]
        )


def test_a_delegation_never_passes_on_hq_or_admin(app, api):
    from tests.people_helpers import add_holder

    add_holder(app, "admin@demo.example", "Ada Admin", "viewer")  # admin also views DEMO
    delegate(api, "admin@demo.example", MILO)
    assert (
        api(MILO).get("/api/v1/missions").get_json()
        and api(MILO).get("/api/v1/missions/OTHER/cycles").status_code == 404
    )
    assert {r["role"] for r in ok(api(MILO).get("/api/v1/me"))["roles"]} == {"focal_point"}


def test_a_delegation_ends_when_its_last_day_is_over_and_at_once_when_deleted(app, api, frozen_clock):
    submission = civ_submission(api)
    sid = submission["id"]
    made = delegate(api, CLEO, MILO, ends="2026-10-02")
    ok(api(MILO).put(f"/api/v1/submissions/{sid}", json={"narrative": "day one"}))
    frozen_clock.set(utc(2026, 10, 3, 0, 0, 1))  # the day after its last day
    assert api(MILO).put(f"/api/v1/submissions/{sid}", json={"narrative": "day three"}).status_code == 403
    assert not [t for t in ok(api(MILO).get("/api/v1/tasks")) if t["component"] == "CIV"]

    again = delegate(api, CLEO, MILO, starts="2026-10-03", ends="2026-10-30")
    ok(api(MILO).put(f"/api/v1/submissions/{sid}", json={"narrative": "back again"}))
    assert api(CLEO).delete(f"/api/v1/me/delegations/{again['id']}").status_code == 204
    assert api(MILO).put(f"/api/v1/submissions/{sid}", json={"narrative": "too late"}).status_code == 403
    listed = {d["id"]: d for d in ok(api(CLEO).get("/api/v1/me/delegations"))}
    assert listed[again["id"]]["active"] is False and listed[made["id"]]["active"] is False


def test_a_delegation_is_ended_only_by_those_it_concerns_and_another_missions_is_not_found(api):
    made = delegate(api, CLEO, MILO)
    assert api("spu@other.example").delete(f"/api/v1/me/delegations/{made['id']}").status_code == 404
    assert api(fp("POL")).delete(f"/api/v1/me/delegations/{made['id']}").status_code == 404
    assert api(fp("POL")).delete("/api/v1/me/delegations/999999").status_code == 404
    assert api(SPU).delete(f"/api/v1/me/delegations/{made['id']}").status_code == 204  # the SPU of the mission may


def test_reminders_go_to_the_delegator_and_the_delegate(app, api):
    set_notify(app, CLEO, "immediate")
    set_notify(app, MILO, "immediate")
    civ_submission(api)
    delegate(api, CLEO, MILO)
    run_job(app, send_reminders, utc(2026, 10, 14, 9))  # input due 15 Oct
    reminders = [m for m in outbox(app, kind="reminder") if "CIV" in m.subject or "civil" in m.subject.lower()]
    assert {m.recipient for m in reminders} >= {CLEO, MILO}
    [for_cleo] = [m for m in reminders if m.recipient == MILO and "Cleo Civil" in m.body_text]
    assert "acting officer for Cleo Civil" in for_cleo.body_text


def test_my_delegations_are_paged_and_show_only_mine(app, api):
    for day in range(1, 8):
        delegate(api, CLEO, MILO, starts=f"2026-10-{day:02d}", ends=f"2026-10-{day + 1:02d}")
    first = ok(api(CLEO).get("/api/v1/me/delegations?limit=5"))
    rest = ok(api(CLEO).get("/api/v1/me/delegations?limit=5&offset=5"))
    assert len(first) == 5 and len(rest) == 2 and not {d["id"] for d in first} & {d["id"] for d in rest}
    assert len(ok(api(MILO).get("/api/v1/me/delegations"))) == 7  # received
    assert ok(api(fp("POL")).get("/api/v1/me/delegations")) == []
    assert ok(api("spu@other.example").get("/api/v1/me/delegations")) == []


def test_a_delegate_reports_progress_on_the_delegators_action_and_the_trail_names_both(api):
    from tests.cycle_helpers import cycle_in

    cycle = cycle_in(api, "followup")
    rec_id = cycle["recommendations"][0]["id"]
    delegate(api, head("CIV"), head("MIL"))
    url = f"/api/v1/recommendations/{rec_id}/updates"
    ok(api(head("MIL")).post(url, json={"status": "in_progress", "note": "For Cas."}), 201)
    ok(api(head("CIV")).post(url, json={"status": "in_progress", "note": "Myself."}), 201)  # the owner, own right
    updates = [
        e for e in ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}/events")) if e["action"] == "update_recommendation"
    ]
    assert [(e["actor"], e["on_behalf_of"]) for e in updates] == [(head("MIL"), head("CIV")), (head("CIV"), None)]


def test_a_delegation_starting_tomorrow_counts_from_tomorrow_in_the_statements_built_once(app, api, frozen_clock):
    """The signed-in user's roles and a task's addressees are read by statements built once per process:
    today's date is a parameter of theirs, not a value frozen into them."""
    from sqlalchemy import select

    from cpas_workflow.accounts.models import User
    from cpas_workflow.accounts.queries import get_user
    from cpas_workflow.core import access
    from cpas_workflow.extensions import db
    from cpas_workflow.missions.models import Component
    from notifications.recipients import Directory

    sid = civ_submission(api)["id"]
    delegate(api, CLEO, MILO, starts="2026-10-02", ends="2026-10-20")

    def seen_by_statements() -> tuple[set[str], set[str]]:
        with app.app_context():
            milo = db.session.scalar(select(User.id).where(User.email == MILO))
            civ = db.session.scalars(select(Component).where(Component.code == "CIV")).first()
            roles = {g.role for g in access.grants(get_user(milo)) if g.on_behalf_of is not None}
            heard = Directory({civ.mission_id}, roles={"focal_point"}).by_component[("focal_point", civ.id)]
            return roles, {p.email for p in heard if p.for_name == "Cleo Civil"}

    assert seen_by_statements() == (set(), set())
    assert api(MILO).put(f"/api/v1/submissions/{sid}", json={"narrative": "not yet"}).status_code == 403
    frozen_clock.set(utc(2026, 10, 2, 9))
    assert seen_by_statements() == ({"focal_point"}, {MILO})
    ok(api(MILO).put(f"/api/v1/submissions/{sid}", json={"narrative": "day two"}))


def test_get_me_lists_the_roles_a_delegate_holds_for_someone_else_beside_their_own(api):
    own = [{"role": "focal_point", "mission": "DEMO", "component": "MIL"}]
    assert ok(api(MILO).get("/api/v1/me"))["acting_for"] == []
    made = delegate(api, CLEO, MILO)
    me = ok(api(MILO).get("/api/v1/me"))
    assert me["roles"] == own  # what is theirs stays apart from what they hold for Cleo
    assert me["acting_for"] == [{"role": "focal_point", "mission": "DEMO", "component": "CIV", "on_behalf_of": CLEO}]
    assert ok(api(CLEO).get("/api/v1/me"))["acting_for"] == []  # the delegator keeps her roles, acts for no one
    ok(api(CLEO).delete(f"/api/v1/me/delegations/{made['id']}"), 204)
    assert ok(api(MILO).get("/api/v1/me"))["acting_for"] == []
