"""Joint sign-off: a definition that needs two leadership approvals fires only on the second one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cpas_workflow.extensions import db
from tests.cycle_helpers import LEAD, SPU, cycle_in, fire, ok

DEPUTY = "deputy@demo.example"
JOINT = "quarterly_assessment_joint"


def add_deputy(app) -> str:
    """A second holder of DEMO's leadership role (the demo has one)."""
    from cpas_workflow.accounts.operations import assign_role, create_user
    from cpas_workflow.missions.models import Mission
    from tests.conftest import PASSWORD

    with app.app_context():
        mission = db.session.scalar(select(Mission).where(Mission.code == "DEMO"))
        assign_role(create_user(DEPUTY, "Deputy Head of Mission", PASSWORD), "leadership", mission)
        db.session.commit()
    return DEPUTY


@pytest.fixture
def deputy(app, demo):
    return add_deputy(app)


def _events(api, cycle_id):
    return ok(api(SPU).get(f"/api/v1/cycles/{cycle_id}/events"))


def _approve_recommendations(api, cycle):
    for rec in cycle["recommendations"]:
        ok(api(LEAD).post(f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}))


def _published(app, cycle_id: int) -> bool:
    from cpas_workflow.cycles.models import Cycle
    from cpas_workflow.framework.queries import is_published

    with app.app_context():
        return is_published(db.session.get(Cycle, cycle_id))


def test_two_leaders_sign_off_and_the_cycle_moves_on_only_at_the_second_approval(app, api, deputy):
    cycle = cycle_in(api, "leadership_signoff", workflow=JOINT)
    assert cycle["workflow"] == JOINT
    assert cycle["approvals"] == [
        {
            "trigger": "approve",
            "required": 2,
            "missing": 2,
            "approved": [],
            "awaited": [
                {"email": DEPUTY, "name": "Deputy Head of Mission"},
                {"email": LEAD, "name": "Lee Leader"},
            ],
        }
    ]
    _approve_recommendations(api, cycle)

    first = ok(fire(api, LEAD, cycle["id"], "approve", comment="Good assessment."))
    assert first["state"] == "leadership_signoff"  # still waiting for the deputy
    assert first["version"] == cycle["version"] + 1
    [status] = first["approvals"]
    assert (status["required"], status["missing"]) == (2, 1)
    assert [(a["email"], a["comment"], a["by"]) for a in status["approved"]] == [(LEAD, "Good assessment.", None)]
    assert [p["email"] for p in status["awaited"]] == [DEPUTY]
    assert "approve" not in first["allowed_triggers"]  # the lead has given theirs
    assert "approve" in ok(api(DEPUTY).get(f"/api/v1/cycles/{cycle['id']}"))["allowed_triggers"]
    assert ok(api(SPU).get("/api/v1/tasks")) == []  # follow-up has not started: no close task yet
    assert not _published(app, cycle["id"])  # one approval of two publishes nothing

    second = ok(fire(api, DEPUTY, cycle["id"], "approve", expected_version=first["version"]))
    assert second["state"] == "followup"
    assert "approvals" not in second
    assert _published(app, cycle["id"])
    approvals = [(e["actor"], e["from_state"], e["to_state"], e["comment"]) for e in _events(api, cycle["id"])]
    assert approvals[-2:] == [
        (LEAD, "leadership_signoff", "leadership_signoff", "Good assessment."),
        (DEPUTY, "leadership_signoff", "followup", None),
    ]
    assert [e["action"] for e in _events(api, cycle["id"])][-2:] == ["approval", "approve"]


def test_the_same_leader_approving_twice_counts_once_and_does_not_fire(api, deputy):
    cycle = cycle_in(api, "leadership_signoff", workflow=JOINT)
    _approve_recommendations(api, cycle)
    ok(fire(api, LEAD, cycle["id"], "approve"))
    again = fire(api, LEAD, cycle["id"], "approve")
    assert again.status_code == 409
    assert "counts once" in again.get_json()["error"]["message"]
    now = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))
    assert now["state"] == "leadership_signoff"
    assert [a["email"] for a in now["approvals"][0]["approved"]] == [LEAD]
    assert [e["actor"] for e in _events(api, cycle["id"]) if e["action"] == "approval"] == [LEAD]


def test_a_return_for_rework_discards_the_approvals_given(api, deputy):
    cycle = cycle_in(api, "leadership_signoff", workflow=JOINT)
    _approve_recommendations(api, cycle)
    ok(fire(api, LEAD, cycle["id"], "approve"))
    back = ok(fire(api, DEPUTY, cycle["id"], "return_for_rework", comment="The POL figures are missing."))
    assert back["state"] == "joint_review" and "approvals" not in back
    again = ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    assert again["approvals"][0]["approved"] == []  # the lead must approve again
    assert ok(fire(api, LEAD, cycle["id"], "approve"))["state"] == "leadership_signoff"
    assert ok(fire(api, DEPUTY, cycle["id"], "approve"))["state"] == "followup"


def test_an_approval_the_transition_could_not_follow_is_refused_and_not_counted(api, deputy):
    cycle = cycle_in(api, "leadership_signoff", workflow=JOINT)
    refused = fire(api, LEAD, cycle["id"], "approve")
    assert refused.status_code == 422  # the recommendation is undecided
    assert "still to decide" in refused.get_json()["error"]["message"]
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["approvals"][0]["approved"] == []


def test_only_leadership_approves_a_joint_sign_off(api, deputy):
    cycle = cycle_in(api, "leadership_signoff", workflow=JOINT)
    assert fire(api, SPU, cycle["id"], "approve").status_code == 403


def test_the_default_assessment_still_fires_on_one_approval(api, deputy):
    cycle = cycle_in(api, "leadership_signoff")
    assert "approvals" not in cycle
    _approve_recommendations(api, cycle)
    assert ok(fire(api, LEAD, cycle["id"], "approve"))["state"] == "followup"


def test_all_holders_must_approve_when_the_definition_says_all(app, api, deputy, tmp_path):
    from cpas_workflow.engine import store
    from cpas_workflow.engine.definitions import parse
    from cpas_workflow.engine.registry import EFFECTS, GUARDS

    with app.app_context():
        definitions = store.current_definitions()
        body = {**definitions[JOINT].body, "name": "quarterly_assessment_all", "version": 1}
        body["transitions"] = [
            {**t, "approvals": {"count": "all"}} if t["trigger"] == "approve" else t for t in body["transitions"]
        ]
        definitions["quarterly_assessment_all"] = parse(body, "test", set(GUARDS), set(EFFECTS))
    try:
        cycle = cycle_in(api, "leadership_signoff", workflow="quarterly_assessment_all")
        assert cycle["approvals"][0]["required"] == 2  # the lead and the deputy
        _approve_recommendations(api, cycle)
        assert ok(fire(api, DEPUTY, cycle["id"], "approve"))["state"] == "leadership_signoff"
        assert ok(fire(api, LEAD, cycle["id"], "approve"))["state"] == "followup"
    finally:
        with app.app_context():
            store.current_definitions().pop("quarterly_assessment_all")
