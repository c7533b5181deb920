"""Beyond the main path: rework, carried-over actions, the mission plan workflow, security headers."""

from tests.cycle_helpers import LEAD, SPU, cycle_in, fill_and_submit, fire, head, ok, start_cycle


def test_leadership_returns_for_rework_and_the_spu_resubmits(api):
    cycle = cycle_in(api, "leadership_signoff")
    back = ok(fire(api, LEAD, cycle["id"], "return_for_rework", comment="Add the POL perspective."))
    assert back["state"] == "joint_review"
    assert [t["title"] for t in ok(api(SPU).get("/api/v1/tasks"))] == [
        "Run the joint review of 2026-Q4 and draft recommendations"
    ]
    assert ok(api(LEAD).get("/api/v1/tasks")) == []
    again = ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    assert again["state"] == "leadership_signoff"
    assert [t["title"] for t in ok(api(LEAD).get("/api/v1/tasks"))] == ["Sign off the 2026-Q4 assessment"]


def test_an_action_carried_over_reappears_in_the_missions_next_cycle(api):
    cycle = cycle_in(api, "followup")
    rec = cycle["recommendations"][0]
    refused = api(head("CIV")).post(
        f"/api/v1/recommendations/{rec['id']}/updates", json={"status": "carried_over", "note": "Next quarter."}
    )
    assert refused.status_code == 422  # only the SPU carries actions over
    ok(
        api(SPU).post(
            f"/api/v1/recommendations/{rec['id']}/updates", json={"status": "carried_over", "note": "Next quarter."}
        ),
        201,
    )
    assert ok(fire(api, SPU, cycle["id"], "close"))["state"] == "closed"
    following = start_cycle(api, period="2027-Q1", input_due="2027-01-15")
    carried = following["recommendations"]
    assert [(r["title"], r["carried_from"], r["decision"]) for r in carried] == [(rec["title"], rec["id"], None)]
    later = start_cycle(api, period="2027-Q2", input_due="2027-04-15")
    assert later["recommendations"] == []  # carried once, not into every later cycle


def test_a_reopened_action_gets_a_task_again(api):
    cycle = cycle_in(api, "followup")
    rec = cycle["recommendations"][0]
    ok(
        api(head("CIV")).post(f"/api/v1/recommendations/{rec['id']}/updates", json={"status": "done", "note": "Done."}),
        201,
    )
    assert ok(api(head("CIV")).get("/api/v1/tasks")) == []
    ok(
        api(head("CIV")).post(
            f"/api/v1/recommendations/{rec['id']}/updates", json={"status": "in_progress", "note": "Not quite."}
        ),
        201,
    )
    assert [t["title"] for t in ok(api(head("CIV")).get("/api/v1/tasks"))] == ["Follow up: Strengthen early warning"]


def test_the_mission_plan_workflow_runs_on_the_same_engine_to_published(api):
    plan = start_cycle(api, workflow="mission_plan", period="2027")
    assert plan["state"] == "draft" and plan["workflow"] == "mission_plan"
    plan = ok(fire(api, SPU, plan["id"], "open_input"))
    for submission in plan["submissions"]:
        fill_and_submit(api, submission)
    ok(fire(api, SPU, plan["id"], "start_review"))
    ok(fire(api, SPU, plan["id"], "submit_for_signoff"))
    assert fire(api, SPU, plan["id"], "publish").status_code == 403
    published = ok(fire(api, LEAD, plan["id"], "publish"))
    assert published["state"] == "published" and published["allowed_triggers"] == []


def test_pages_and_answers_carry_security_headers(client, demo):
    response = client.get("/sign-in")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/api/v1/openapi.json").headers["X-Frame-Options"] == "DENY"
