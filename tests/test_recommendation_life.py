"""A recommendation's whole life through the API: drafts edited and withdrawn, rejections that say
why, amendments that keep the original, owners chosen and changed, proposals from components,
carry-over with its origin, and the mission's register."""

from __future__ import annotations

from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.extensions import db
from tests.cycle_helpers import LEAD, SPU, cycle_in, fire, fp, head, ok

DRAFT = {"title": "Protect civilians", "body": "Deploy patrols at night.", "component": "MIL", "due": "2026-12-20"}


def _delete(api, email: str, url: str, **kw):
    user = api(email)
    return user.client.delete(url, headers=user.headers, **kw)


def _draft(api, cycle_id: int, **changes) -> dict:
    return ok(api(SPU).post(f"/api/v1/cycles/{cycle_id}/recommendations", json={**DRAFT, **changes}), 201)


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


def test_the_spu_edits_a_draft_and_every_field_is_checked(app, api):
    cycle = cycle_in(api, "joint_review")
    rec = _draft(api, cycle["id"])
    url = f"/api/v1/recommendations/{rec['id']}"
    edited = ok(
        api(SPU).put(url, json={"title": "Protect civilians at night", "component": "POL", "due": "2027-01-15"})
    )
    assert (edited["title"], edited["component"], edited["due"], edited["body"]) == (
        "Protect civilians at night",
        "POL",
        "2027-01-15",
        DRAFT["body"],
    )
    refused = api(SPU).put(url, json={"component": "NAVY"})
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"] == {"component": "unknown component"}
    assert api(SPU).put(url, json={"due": "2020-01-01"}).get_json()["error"]["fields"] == {"due": "in the past"}
    assert api(SPU).put(url, json={"title": ""}).status_code == 422
    assert api(SPU).put(url, json={"colour": "red"}).status_code == 400
    stale = api(SPU).put(url, json={"title": "x", "expected_version": edited["version"] - 1})
    assert stale.status_code == 409
    assert api(LEAD).put(url, json={"title": "Mine"}).status_code == 403
    assert api("spu@other.example").put(url, json={"title": "Theirs"}).status_code == 404
    assert [e.comment for e in _events(app, "edit_recommendation")] == [
        "Protect civilians at night (title, component, due)"
    ]


def test_a_withdrawn_draft_leaves_the_cycle_but_stays_in_the_trail_and_the_register(app, api):
    cycle = cycle_in(api, "joint_review")
    rec = _draft(api, cycle["id"])
    url = f"/api/v1/recommendations/{rec['id']}"
    assert _delete(api, LEAD, url).status_code == 403
    assert _delete(api, "spu@other.example", url).status_code == 404
    response = _delete(api, SPU, url)
    assert response.status_code == 204 and response.get_data() == b""
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["recommendations"] == []
    assert ok(api(SPU).get(url))["fate"] == "withdrawn"
    assert _delete(api, SPU, url).status_code == 409  # already withdrawn
    assert api(SPU).put(url, json={"title": "again"}).status_code == 409
    assert [e.comment for e in _events(app, "withdraw_recommendation")] == ["Protect civilians"]
    register = ok(api(SPU).get("/api/v1/missions/DEMO/recommendations"))
    assert [(r["title"], r["fate"]) for r in register["items"]] == [("Protect civilians", "withdrawn")]


def test_a_decided_recommendation_can_no_longer_be_edited_or_withdrawn(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    rec_id = cycle["recommendations"][0]["id"]
    url = f"/api/v1/recommendations/{rec_id}"
    assert api(SPU).put(url, json={"title": "Late change"}).status_code == 409
    assert _delete(api, SPU, url).status_code == 409
    ok(api(LEAD).post(f"{url}/decision", json={"decision": "approve"}))
    assert api(SPU).put(url, json={"title": "Late change"}).status_code == 409


def test_a_rejection_needs_a_comment_naming_the_field(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    url = f"/api/v1/recommendations/{cycle['recommendations'][0]['id']}/decision"
    for body in ({"decision": "reject"}, {"decision": "reject", "comment": "   "}):
        refused = api(LEAD).post(url, json=body)
        assert refused.status_code == 422, refused.get_json()
        assert "comment" in refused.get_json()["error"]["fields"]
    rejected = ok(api(LEAD).post(url, json={"decision": "reject", "comment": "Not our mandate."}))
    assert (rejected["decision"], rejected["decision_comment"]) == ("rejected", "Not our mandate.")


def test_an_amendment_keeps_the_original_and_can_change_owner_and_due_date(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    rec = cycle["recommendations"][0]
    url = f"/api/v1/recommendations/{rec['id']}/decision"
    bad_owner = api(LEAD).post(url, json={"decision": "amend", "body": "x", "owner": "mil.head@demo.example"})
    assert bad_owner.status_code == 422 and "owner" in bad_owner.get_json()["error"]["fields"]
    assert api(LEAD).post(url, json={"decision": "approve", "due": "2027-02-01"}).status_code == 422
    amended = ok(
        api(LEAD).post(
            url,
            json={
                "decision": "amend",
                "body": "Set up community alert networks in every prefecture.",
                "owner": fp("CIV"),
                "due": "2027-02-01",
            },
        )
    )
    assert amended["original_body"] == "Set up **community alert networks**."
    assert amended["body"] == "Set up community alert networks in every prefecture."
    assert (amended["owner"], amended["due"]) == (fp("CIV"), "2027-02-01")
    again = ok(api(LEAD).post(url, json={"decision": "amend", "body": "Second thoughts."}))
    assert again["original_body"] == "Set up **community alert networks**."  # the first text, not the first amendment
    ok(fire(api, LEAD, cycle["id"], "approve"))
    action = ok(api(SPU).get(f"/api/v1/recommendations/{rec['id']}"))
    assert (action["status"], action["owner"]) == ("open", fp("CIV"))
    tasks = ok(api(fp("CIV")).get("/api/v1/tasks"))
    assert any("Strengthen early warning" in t["title"] for t in tasks)


def test_the_owner_defaults_to_the_component_head_and_the_spu_changes_it_with_a_reason(app, api):
    cycle = cycle_in(api, "followup")
    rec = cycle["recommendations"][0]
    assert rec["owner"] == head("CIV")
    url = f"/api/v1/recommendations/{rec['id']}/owner"
    assert api(SPU).post(url, json={"owner": fp("CIV")}).status_code == 400  # the reason is required
    assert api(SPU).post(url, json={"owner": fp("CIV"), "reason": " "}).status_code == 422
    assert api(head("CIV")).post(url, json={"owner": fp("CIV"), "reason": "leave"}).status_code == 403
    refused = api(SPU).post(url, json={"owner": "pol.fp@demo.example", "reason": "leave"})
    assert refused.status_code == 422 and "owner" in refused.get_json()["error"]["fields"]
    changed = ok(api(SPU).post(url, json={"owner": fp("CIV"), "reason": "Head on leave until March."}))
    assert changed["owner"] == fp("CIV")
    [event] = _events(app, "change_owner")
    assert (event.from_state, event.to_state, event.comment) == (head("CIV"), fp("CIV"), "Head on leave until March.")
    assert any(t["title"].startswith("Follow up") for t in ok(api(fp("CIV")).get("/api/v1/tasks")))


PROPOSAL = {"title": "Train community liaison assistants", "body": "Two per field office.", "component": "CIV"}


def test_a_component_proposes_and_the_spu_accepts_merges_or_declines(app, api):
    cycle = cycle_in(api, "component_input")
    url = f"/api/v1/cycles/{cycle['id']}/proposals"
    assert api(SPU).post(url, json=PROPOSAL).status_code == 403
    refused = api(fp("CIV")).post(url, json={**PROPOSAL, "component": "MIL"})
    assert refused.status_code == 422 and "component" in refused.get_json()["error"]["fields"]
    accepted = ok(api(fp("CIV")).post(url, json=PROPOSAL), 201)
    merged = ok(api(head("CIV")).post(url, json={**PROPOSAL, "title": "Liaison", "body": "Also in Bria."}), 201)
    declined = ok(api(fp("CIV")).post(url, json={**PROPOSAL, "title": "More cars"}), 201)
    assert (accepted["fate"], accepted["proposed_by"]) == ("proposed", fp("CIV"))
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["recommendations"] == []
    settle = "/api/v1/recommendations/{}/proposal"
    # Accepting makes a draft, which exists only in the joint review; declining needs a reason.
    assert api(SPU).post(settle.format(accepted["id"]), json={"decision": "accept"}).status_code == 409
    assert api(SPU).post(settle.format(declined["id"]), json={"decision": "decline"}).status_code == 422
    ok(api(SPU).post(settle.format(declined["id"]), json={"decision": "decline", "reason": "No budget this year."}))
    for submission in cycle["submissions"]:
        from tests.cycle_helpers import fill_and_submit

        fill_and_submit(api, submission)
    ok(fire(api, SPU, cycle["id"], "start_review"))
    ok(api(SPU).post(settle.format(accepted["id"]), json={"decision": "accept"}))
    assert api(SPU).post(settle.format(merged["id"]), json={"decision": "merge"}).status_code == 422
    ok(api(SPU).post(settle.format(merged["id"]), json={"decision": "merge", "into": accepted["id"]}))
    [draft] = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["recommendations"]
    assert draft["id"] == accepted["id"] and draft["body"] == "Two per field office.\n\nAlso in Bria."
    fates = {
        r["title"]: (r["fate"], r["reason"])
        for r in ok(api(fp("CIV")).get("/api/v1/missions/DEMO/recommendations"))["items"]
    }
    assert fates == {
        "Train community liaison assistants": ("drafted", None),
        "Liaison": ("merged", None),
        "More cars": ("declined", "No budget this year."),
    }


def test_a_carried_over_action_keeps_its_origin_and_earlier_decision_and_the_register_finds_it(app, api, frozen_clock):
    import datetime as dt

    cycle = cycle_in(api, "followup")
    rec = cycle["recommendations"][0]
    ok(
        api(SPU).post(
            f"/api/v1/recommendations/{rec['id']}/updates", json={"status": "carried_over", "note": "Next quarter."}
        ),
        201,
    )
    ok(fire(api, SPU, cycle["id"], "close"))
    frozen_clock.set(dt.datetime(2026, 12, 20, 8, 0, tzinfo=dt.UTC))
    from tests.cycle_helpers import start_cycle

    nxt = start_cycle(api, period="2027-Q1", input_due="2027-01-15")
    [carried] = ok(api(SPU).get(f"/api/v1/cycles/{nxt['id']}"))["recommendations"]
    assert carried["origin_period"] == "2026-Q4" and carried["owner"] == head("CIV")
    earlier = carried["earlier_decision"]
    assert (earlier["period"], earlier["decision"], earlier["status"]) == ("2026-Q4", "approved", "carried_over")
    register = ok(api(SPU).get("/api/v1/missions/DEMO/recommendations?fate=carried_over"))
    assert [(r["id"], r["period"]) for r in register["items"]] == [(rec["id"], "2026-Q4")]
    everything = ok(api(SPU).get("/api/v1/missions/DEMO/recommendations"))
    assert [r["period"] for r in everything["items"]] == ["2027-Q1", "2026-Q4"] and everything["total"] == 2
    assert api("spu@other.example").get("/api/v1/missions/DEMO/recommendations").status_code == 404
    assert api(SPU).get("/api/v1/missions/DEMO/recommendations?fate=lost").status_code == 400


def test_components_sharing_an_action_follow_it_up_with_the_lead(app, api):
    cycle = cycle_in(api, "joint_review")
    rec = _draft(api, cycle["id"], component="CIV", co_owners=["POL"])
    assert rec["co_owners"] == ["POL"]
    url = f"/api/v1/recommendations/{rec['id']}"
    assert api(SPU).put(url, json={"co_owners": ["CIV"]}).get_json()["error"]["fields"] == {
        "co_owners": "the lead component"
    }
    assert api(SPU).put(url, json={"co_owners": ["NAVY"]}).status_code == 422
    ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    ok(api(LEAD).post(f"{url}/decision", json={"decision": "approve"}))
    ok(fire(api, LEAD, cycle["id"], "approve"))
    update = {"status": "in_progress", "note": "Joint patrols planned."}
    ok(api(head("POL")).post(f"{url}/updates", json=update), 201)
    assert api(head("MIL")).post(f"{url}/updates", json=update).status_code == 403
    register = ok(api(SPU).get("/api/v1/missions/DEMO/recommendations?component=POL"))
    assert [r["id"] for r in register["items"]] == [rec["id"]]


def test_the_difference_of_an_amendment_is_escaped_word_by_word():
    from cpas_workflow.recommendations.diff import word_diff

    shown = str(word_diff("Patrol the <b>east</b>.", "Patrol the <script>x</script> **west**."))
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert '<del class="diff-del">&lt;b&gt;east&lt;/b&gt;.</del>' in shown and "west" in shown
    assert shown.startswith("Patrol the ")
