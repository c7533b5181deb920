"""A whole quarterly cycle driven through the HTTP API as the demo users, draft to closed."""

from tests.cycle_helpers import LEAD, SPU, fire, fire_submission, fp, head, ok, start_cycle


def test_a_whole_cycle_runs_from_draft_to_closed_with_a_return_a_late_component_and_three_decisions(api, frozen_clock):
    cycle = start_cycle(api, period="2026-Q4", input_due="2026-10-15")
    cid = cycle["id"]
    subs = {s["component"]: s["id"] for s in cycle["submissions"]}
    assert (
        cycle["state"] == "draft_plan"
        and cycle["workflow"] == "quarterly_assessment"
        and cycle["workflow_version"] == 2
    )

    ok(fire(api, SPU, cid, "open_input"))
    assert [t["title"] for t in ok(api(fp("MIL")).get("/api/v1/tasks"))] == ["Submit Force input for 2026-Q4"]

    # CIV submits; its head returns it with a comment; CIV revises and it is endorsed.
    ok(
        api(fp("CIV")).put(
            f"/api/v1/submissions/{subs['CIV']}", json={"narrative": "First draft.", "rating": "some_progress"}
        )
    )
    ok(fire_submission(api, fp("CIV"), subs["CIV"], "submit"))
    returned = ok(fire_submission(api, head("CIV"), subs["CIV"], "return", comment="Add the human-rights figures."))
    assert returned["state"] == "returned"
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{subs['CIV']}", json={"narrative": "Revised, with figures."}))
    ok(fire_submission(api, fp("CIV"), subs["CIV"], "submit"))
    ok(fire_submission(api, head("CIV"), subs["CIV"], "endorse"))

    # MIL is submitted and endorsed; POL never comes in.
    ok(
        api(fp("MIL")).put(
            f"/api/v1/submissions/{subs['MIL']}", json={"narrative": "Patrols up 20%.", "rating": "on_track"}
        )
    )
    ok(fire_submission(api, fp("MIL"), subs["MIL"], "submit"))
    ok(fire_submission(api, head("MIL"), subs["MIL"], "endorse"))

    # Before the deadline the review cannot start without POL; after it, only with a reason.
    early = fire(api, SPU, cid, "start_review")
    assert early.status_code == 422 and "Police (UNPOL) (pending)" in early.get_json()["error"]["message"]
    frozen_clock.advance(days=15)
    no_reason = fire(api, SPU, cid, "start_review")
    assert no_reason.status_code == 422 and no_reason.get_json()["error"]["fields"] == {
        "comment": no_reason.get_json()["error"]["fields"]["comment"]
    }
    ok(fire(api, SPU, cid, "start_review", comment="POL input late; proceeding, to be added next quarter."))

    # The joint review sends MIL back once; MIL resubmits and is endorsed again.
    cycle = ok(
        fire(api, SPU, cid, "return_to_component", submission=subs["MIL"], comment="Split patrol figures by sector.")
    )
    assert cycle["state"] == "joint_review"
    assert {s["component"]: s["state"] for s in cycle["submissions"]}["MIL"] == "returned"
    assert fire(api, SPU, cid, "submit_for_signoff").status_code == 422
    ok(fire_submission(api, fp("MIL"), subs["MIL"], "submit"))
    ok(fire_submission(api, head("MIL"), subs["MIL"], "endorse"))

    recs = [
        ok(
            api(SPU).post(
                f"/api/v1/cycles/{cid}/recommendations",
                json={"title": t, "body": b, "component": c, "due": "2027-01-31"},
            ),
            201,
        )
        for t, b, c in [
            ("Expand community alert networks", "Cover the **three** new prefectures.", "CIV"),
            ("Joint patrols with UNPOL", "Weekly joint patrols in hotspots.", "MIL"),
            ("New police academy", "Build a second academy.", "POL"),
        ]
    ]
    ok(fire(api, SPU, cid, "submit_for_signoff"))

    # Leadership approves one, amends one, rejects one, then approves the assessment.
    assert fire(api, LEAD, cid, "approve").status_code == 422  # undecided recommendations remain
    ok(api(LEAD).post(f"/api/v1/recommendations/{recs[0]['id']}/decision", json={"decision": "approve"}))
    amended = ok(
        api(LEAD).post(
            f"/api/v1/recommendations/{recs[1]['id']}/decision",
            json={"decision": "amend", "body": "Fortnightly joint patrols.", "comment": "Capacity."},
        )
    )
    assert amended["decision"] == "amended" and amended["body"] == "Fortnightly joint patrols."
    rejected = ok(
        api(LEAD).post(
            f"/api/v1/recommendations/{recs[2]['id']}/decision", json={"decision": "reject", "comment": "No budget."}
        )
    )
    assert rejected["decision"] == "rejected"
    cycle = ok(fire(api, LEAD, cid, "approve"))
    assert cycle["state"] == "followup"
    statuses = {r["id"]: (r["status"], r["owner"]) for r in cycle["recommendations"]}
    assert statuses == {
        recs[0]["id"]: ("open", "civ.head@demo.example"),
        recs[1]["id"]: ("open", "mil.head@demo.example"),
        recs[2]["id"]: (None, None),
    }
    assert [t["title"] for t in ok(api(head("MIL")).get("/api/v1/tasks"))] == ["Follow up: Joint patrols with UNPOL"]

    # Follow-up: the rejected one cannot be updated; close waits for every action.
    assert (
        api(head("POL"))
        .post(f"/api/v1/recommendations/{recs[2]['id']}/updates", json={"status": "done", "note": "x"})
        .status_code
        == 422
    )
    ok(
        api(head("CIV")).post(
            f"/api/v1/recommendations/{recs[0]['id']}/updates", json={"status": "in_progress", "note": "Two of three."}
        ),
        201,
    )
    assert fire(api, SPU, cid, "close").status_code == 422
    ok(
        api(head("CIV")).post(
            f"/api/v1/recommendations/{recs[0]['id']}/updates", json={"status": "done", "note": "All three."}
        ),
        201,
    )
    ok(
        api(SPU).post(
            f"/api/v1/recommendations/{recs[1]['id']}/updates",
            json={"status": "dropped", "note": "Overtaken by events."},
        ),
        201,
    )
    cycle = ok(fire(api, SPU, cid, "close"))
    assert cycle["state"] == "closed" and cycle["allowed_triggers"] == []
    assert ok(api(head("MIL")).get("/api/v1/tasks")) == []

    events = ok(api(SPU).get(f"/api/v1/cycles/{cid}/events"))
    trail = [(e["actor"], e["action"], e["subject"], e["from_state"], e["to_state"]) for e in events]
    civ, mil = f"submission:{subs['CIV']}:CIV", f"submission:{subs['MIL']}:MIL"
    r0, r1, r2 = (f"recommendation:{r['id']}" for r in recs)
    assert trail == [
        (SPU, "start_cycle", f"cycle:{cid}", None, "draft_plan"),
        (SPU, "open_input", f"cycle:{cid}", "draft_plan", "component_input"),
        (fp("CIV"), "edit_submission", civ, "pending", "pending"),
        (fp("CIV"), "submit", civ, "pending", "submitted"),
        (head("CIV"), "return", civ, "submitted", "returned"),
        (fp("CIV"), "edit_submission", civ, "returned", "returned"),
        (fp("CIV"), "submit", civ, "returned", "submitted"),
        (head("CIV"), "endorse", civ, "submitted", "endorsed"),
        (fp("MIL"), "edit_submission", mil, "pending", "pending"),
        (fp("MIL"), "submit", mil, "pending", "submitted"),
        (head("MIL"), "endorse", mil, "submitted", "endorsed"),
        (SPU, "start_review", f"cycle:{cid}", "component_input", "joint_review"),
        (SPU, "return", mil, "endorsed", "returned"),
        (SPU, "return_to_component", f"cycle:{cid}", "joint_review", "joint_review"),
        (fp("MIL"), "submit", mil, "returned", "submitted"),
        (head("MIL"), "endorse", mil, "submitted", "endorsed"),
        (SPU, "draft_recommendation", r0, None, None),
        (SPU, "draft_recommendation", r1, None, None),
        (SPU, "draft_recommendation", r2, None, None),
        (SPU, "submit_for_signoff", f"cycle:{cid}", "joint_review", "leadership_signoff"),
        (LEAD, "approve_recommendation", r0, None, "approved"),
        (LEAD, "amend_recommendation", r1, None, "amended"),
        (LEAD, "reject_recommendation", r2, None, "rejected"),
        (LEAD, "approve", f"cycle:{cid}", "leadership_signoff", "followup"),
        (head("CIV"), "update_recommendation", r0, None, "in_progress"),
        (head("CIV"), "update_recommendation", r0, None, "done"),
        (SPU, "update_recommendation", r1, None, "dropped"),
        (SPU, "close", f"cycle:{cid}", "followup", "closed"),
    ]
    comments = {(e["action"], e["subject"]): e["comment"] for e in events}
    assert comments["return", civ] == "Add the human-rights figures."
    assert comments["start_review", f"cycle:{cid}"] == "POL input late; proceeding, to be added next quarter."
    assert comments["reject_recommendation", r2] == "No budget."
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
