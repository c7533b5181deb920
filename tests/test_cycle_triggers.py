"""Every trigger, fired by a role allowed to and by one that is not; guards; wrong states."""

import pytest

from tests.cycle_helpers import LEAD, SPU, cycle_in, fill_and_submit, fire, fire_submission, fp, head, ok

VIEWER, HQ, ADMIN, OTHER_SPU = "viewer@demo.example", "hq@demo.example", "admin@demo.example", "spu@other.example"

# (state the cycle is brought to, trigger, allowed user, refused users, state after, extra body)
CYCLE_TRIGGERS = [
    ("draft_plan", "open_input", SPU, [LEAD, fp("CIV"), head("CIV"), VIEWER, HQ, ADMIN], "component_input", {}),
    ("component_input", "start_review", SPU, [LEAD, head("MIL"), VIEWER], None, {}),
    ("joint_review", "submit_for_signoff", SPU, [LEAD, fp("POL"), VIEWER, HQ], "leadership_signoff", {}),
    (
        "leadership_signoff",
        "return_for_rework",
        LEAD,
        [SPU, head("CIV"), VIEWER],
        "joint_review",
        {"comment": "Sharpen the analysis."},
    ),
    ("followup", "close", SPU, [LEAD, head("CIV"), ADMIN], None, {}),
    (
        "joint_review",
        "cancel",
        SPU,
        [LEAD, fp("CIV"), VIEWER, HQ, ADMIN],
        "cancelled",
        {"comment": "Mission drawdown."},
    ),
]


@pytest.mark.parametrize(
    ("state", "trigger", "allowed", "refused", "after", "body"),
    CYCLE_TRIGGERS,
    ids=[f"{t[1]}-from-{t[0]}" for t in CYCLE_TRIGGERS],
)
def test_a_cycle_trigger_is_refused_to_other_roles_and_works_for_its_own(
    api, state, trigger, allowed, refused, after, body
):
    cycle = cycle_in(api, state)
    for email in refused:
        response = fire(api, email, cycle["id"], trigger, **body)
        assert response.status_code == 403, (email, response.get_json())
        assert response.get_json()["error"]["code"] == "forbidden"
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["version"] == cycle["version"]
    if after is None:  # guarded: covered by the guard tests below
        return
    moved = ok(fire(api, allowed, cycle["id"], trigger, **body))
    assert moved["state"] == after and moved["version"] > cycle["version"]


def test_another_missions_spu_cannot_even_see_the_cycle(api):
    cycle = cycle_in(api, "draft_plan")
    assert fire(api, OTHER_SPU, cycle["id"], "open_input").status_code == 404


def test_approve_with_every_recommendation_decided_moves_to_followup_and_only_leadership_may(api):
    cycle = cycle_in(api, "leadership_signoff")
    rec = cycle["recommendations"][0]
    ok(
        api(LEAD).post(
            f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "reject", "comment": "Not now."}
        )
    )
    assert fire(api, SPU, cycle["id"], "approve").status_code == 403
    moved = ok(fire(api, LEAD, cycle["id"], "approve"))
    assert moved["state"] == "followup"
    assert moved["recommendations"][0]["status"] is None  # rejected: no action to follow up


@pytest.mark.parametrize(
    ("trigger", "state"),
    [
        ("open_input", "component_input"),
        ("approve", "joint_review"),
        ("close", "leadership_signoff"),
        ("start_review", "draft_plan"),
    ],
)
def test_a_trigger_from_the_wrong_state_is_a_conflict_that_names_what_is_possible(api, trigger, state):
    cycle = cycle_in(api, state)
    user = LEAD if trigger == "approve" else SPU
    response = fire(api, user, cycle["id"], trigger)
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    step = {"component_input": "Component input", "joint_review": "Joint review"}.get(state, "")
    assert "is not possible at this step" in message and "Possible now:" in message and step in message
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["state"] == state


def test_nothing_can_be_fired_on_a_closed_or_cancelled_cycle(api):
    closed = cycle_in(api, "closed")
    assert fire(api, SPU, closed["id"], "cancel", comment="too late").status_code == 409
    cancelled = ok(fire(api, SPU, cycle_in(api, "draft_plan", period="2027-Q1")["id"], "cancel", comment="Duplicate."))
    response = fire(api, SPU, cancelled["id"], "open_input")
    assert response.status_code == 409 and "nothing can change it now" in response.get_json()["error"]["message"]


def test_cancel_and_return_for_rework_need_a_comment(api):
    cycle = cycle_in(api, "leadership_signoff")
    for user, trigger in ((SPU, "cancel"), (LEAD, "return_for_rework")):
        for comment in (None, "", "   "):
            body = {} if comment is None else {"comment": comment}
            response = fire(api, user, cycle["id"], trigger, **body)
            assert response.status_code == 422 and response.get_json()["error"]["fields"] == {"comment": "required"}
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["state"] == "leadership_signoff"


def test_allowed_triggers_are_those_of_the_callers_roles_in_the_current_state(api):
    cycle = cycle_in(api, "leadership_signoff")
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["allowed_triggers"] == ["cancel"]
    assert ok(api(LEAD).get(f"/api/v1/cycles/{cycle['id']}"))["allowed_triggers"] == ["approve", "return_for_rework"]
    assert ok(api(VIEWER).get(f"/api/v1/cycles/{cycle['id']}"))["allowed_triggers"] == []


# Submission triggers: (trigger, the state the submission is brought to, allowed, refused)
def _submission_in(api, state):
    cycle = cycle_in(api, "component_input")
    sub = next(s for s in cycle["submissions"] if s["component"] == "MIL")
    if state == "pending":
        ok(api(fp("MIL")).put(f"/api/v1/submissions/{sub['id']}", json={"narrative": "Ready.", "rating": "on_track"}))
    if state in ("submitted", "endorsed"):
        fill_and_submit(api, sub, endorse=state == "endorsed")
    return cycle, sub


@pytest.mark.parametrize(
    ("trigger", "state", "allowed", "refused", "after", "body"),
    [
        ("submit", "pending", fp("MIL"), [fp("CIV"), head("MIL"), SPU, LEAD, VIEWER], "submitted", {}),
        ("endorse", "submitted", head("MIL"), [fp("MIL"), head("CIV"), LEAD, VIEWER], "endorsed", {}),
        ("endorse", "submitted", SPU, [head("POL")], "endorsed", {}),
        (
            "return",
            "submitted",
            head("MIL"),
            [fp("MIL"), head("CIV"), LEAD],
            "returned",
            {"comment": "Numbers missing."},
        ),
        ("return", "endorsed", SPU, [fp("MIL"), VIEWER, HQ], "returned", {"comment": "Please split by sector."}),
    ],
)
def test_a_submission_trigger_is_refused_to_other_roles_and_works_for_its_own(
    api, trigger, state, allowed, refused, after, body
):
    _, sub = _submission_in(api, state)
    for email in refused:
        response = fire_submission(api, email, sub["id"], trigger, **body)
        assert response.status_code == 403, (email, response.get_json())
    moved = ok(fire_submission(api, allowed, sub["id"], trigger, **body))
    assert moved["state"] == after


def test_submitting_needs_a_narrative_and_a_rating(api):
    _, sub = _submission_in(api, "none")
    response = fire_submission(api, fp("MIL"), sub["id"], "submit")
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {
        "narrative": "write the narrative before submitting"
    }
    ok(api(fp("MIL")).put(f"/api/v1/submissions/{sub['id']}", json={"narrative": "Something."}))
    response = fire_submission(api, fp("MIL"), sub["id"], "submit")
    assert response.status_code == 422 and "rating" in response.get_json()["error"]["fields"]


def test_returning_a_submission_needs_a_comment(api):
    _, sub = _submission_in(api, "submitted")
    response = fire_submission(api, head("MIL"), sub["id"], "return")
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {"comment": "required"}


def test_input_cannot_be_submitted_before_the_cycle_opens_it(api):
    from tests.cycle_helpers import start_cycle

    cycle = start_cycle(api)
    sub = cycle["submissions"][0]
    ok(
        api(fp(sub["component"])).put(
            f"/api/v1/submissions/{sub['id']}", json={"narrative": "Early.", "rating": "on_track"}
        )
    )
    response = fire_submission(api, fp(sub["component"]), sub["id"], "submit")
    assert response.status_code == 422 and "The cycle is at “Draft plan”" in response.get_json()["error"]["message"]


def test_an_endorsed_submission_can_no_longer_be_edited(api):
    _, sub = _submission_in(api, "endorsed")
    response = api(fp("MIL")).put(f"/api/v1/submissions/{sub['id']}", json={"narrative": "Sneaky change."})
    assert response.status_code == 409
    assert ok(api(fp("MIL")).get(f"/api/v1/submissions/{sub['id']}"))["narrative"] == "MIL made progress."


def test_only_the_components_focal_point_edits_its_input(api):
    _, sub = _submission_in(api, "none")
    for email in (fp("CIV"), head("MIL"), SPU):
        assert api(email).put(f"/api/v1/submissions/{sub['id']}", json={"narrative": "x"}).status_code == 403


def test_start_review_goes_ahead_before_the_deadline_when_every_submission_is_endorsed(api):
    cycle = cycle_in(api, "component_input")
    for sub in cycle["submissions"][:2]:
        fill_and_submit(api, sub)
    assert fire(api, SPU, cycle["id"], "start_review", comment="Let's go.").status_code == 422  # before the deadline
    fill_and_submit(api, cycle["submissions"][2], endorse=False)
    response = fire(api, SPU, cycle["id"], "start_review")
    assert response.status_code == 422 and "Police (UNPOL) (submitted)" in response.get_json()["error"]["message"]
    ok(fire_submission(api, head("POL"), cycle["submissions"][2]["id"], "endorse"))
    assert ok(fire(api, SPU, cycle["id"], "start_review"))["state"] == "joint_review"


def test_the_deadline_is_the_end_of_the_day_in_the_missions_time_zone(api, frozen_clock):
    import datetime as dt

    cycle = cycle_in(api, "component_input")  # input due 2026-10-15; DEMO is in Africa/Bangui (UTC+1)
    frozen_clock.set(dt.datetime(2026, 10, 15, 22, 30, tzinfo=dt.UTC))  # 23:30 on the 15th in Bangui
    assert fire(api, SPU, cycle["id"], "start_review", comment="Late.").status_code == 422
    frozen_clock.set(dt.datetime(2026, 10, 15, 23, 30, tzinfo=dt.UTC))  # 00:30 on the 16th in Bangui
    assert ok(fire(api, SPU, cycle["id"], "start_review", comment="Late."))["state"] == "joint_review"


def test_return_to_component_needs_a_submission_of_this_cycle_that_came_in(api):
    cycle = cycle_in(api, "joint_review")
    other = cycle_in(api, "joint_review", period="2027-Q1")
    cases = [
        ({"comment": "x"}, "submission"),
        ({"comment": "x", "submission": other["submissions"][0]["id"]}, "submission"),
        ({"submission": cycle["submissions"][0]["id"]}, "comment"),
    ]
    for body, field in cases:
        response = fire(api, SPU, cycle["id"], "return_to_component", **body)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], response.get_json()
    assert all(s["state"] == "endorsed" for s in ok(api(SPU).get(f"/api/v1/cycles/{other['id']}"))["submissions"])


def test_tasks_follow_the_states(api):
    cycle = cycle_in(api, "draft_plan")
    assert [t["title"] for t in ok(api(SPU).get("/api/v1/tasks"))] == ["Open component input for 2026-Q4"]
    assert ok(api(fp("CIV")).get("/api/v1/tasks")) == []
    ok(fire(api, SPU, cycle["id"], "open_input"))
    assert [t["title"] for t in ok(api(SPU).get("/api/v1/tasks"))] == ["Start the joint review of 2026-Q4"]
    civ_tasks = ok(api(fp("CIV")).get("/api/v1/tasks"))
    assert [(t["title"], t["due"], t["overdue"]) for t in civ_tasks] == [
        ("Submit Civilian component input for 2026-Q4", "2026-10-15", False)
    ]
    assert civ_tasks[0]["url"] == f"http://cpas.test/submissions/{cycle['submissions'][0]['id']}"
    fill_and_submit(api, cycle["submissions"][0], endorse=False)
    assert ok(api(fp("CIV")).get("/api/v1/tasks")) == []
    assert [t["title"] for t in ok(api(head("CIV")).get("/api/v1/tasks"))] == [
        "Endorse Civilian component input for 2026-Q4"
    ]
    assert ok(api(head("MIL")).get("/api/v1/tasks")) == []
    assert ok(api(LEAD).get("/api/v1/tasks")) == []
