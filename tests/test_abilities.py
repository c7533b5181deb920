"""May this person do this now? The can_* answers as tables: every role against every step of a cycle
and of a component's input — Y: allowed, N: offered but not yet (disabled, with the reason),
-: not offered to this person at this step at all."""

from __future__ import annotations

import pytest

from cpas_workflow import abilities
from cpas_workflow.accounts.operations import find_user
from cpas_workflow.cycles.queries import get_cycle
from cpas_workflow.extensions import db
from tests.cycle_helpers import LEAD, SPU, cycle_in, fill_and_submit, fp, head, ok

VIEWER = "viewer@demo.example"
PEOPLE = (SPU, LEAD, fp("CIV"), head("CIV"), VIEWER)
CYCLE_ACTIONS = {
    "open": abilities.can_open_input,
    "review": abilities.can_start_review,
    "send back": abilities.can_return_to_component,
    "to sign-off": abilities.can_submit_for_signoff,
    "approve": abilities.can_approve,
    "rework": abilities.can_return_for_rework,
    "close": abilities.can_close,
    "reopen": abilities.can_reopen_for_correction,
    "cancel": abilities.can_cancel,
    "draft rec": abilities.can_draft_recommendation,
    "decide rec": abilities.can_decide_recommendation,
}
# state -> person -> the actions answered Y or N (every other action: -)
CYCLE_TABLE = {
    "draft_plan": {SPU: {"open": "Y", "cancel": "Y"}},
    "component_input": {SPU: {"review": "N", "cancel": "Y"}},
    "joint_review": {SPU: {"send back": "Y", "to sign-off": "Y", "cancel": "Y", "draft rec": "Y"}},
    "leadership_signoff": {SPU: {"cancel": "Y"}, LEAD: {"approve": "N", "rework": "Y", "decide rec": "Y"}},
    "followup": {SPU: {"close": "N", "cancel": "Y"}, LEAD: {"reopen": "Y"}},
    "closed": {LEAD: {"reopen": "Y"}},
}


def _mark(answer) -> str:
    return "Y" if answer else ("N" if answer.is_shown else "-")


def _grid(app, cycle_id: int, actions: dict, people=PEOPLE) -> dict:
    with app.test_request_context():
        cycle = get_cycle(cycle_id, find_user(SPU))
        grid = {}
        for email in people:
            user = find_user(email)
            marks = {name: _mark(can(user, cycle)) for name, can in actions.items()}
            grid[email] = {name: mark for name, mark in marks.items() if mark != "-"}
        db.session.remove()
    return {email: marks for email, marks in grid.items() if marks}


@pytest.mark.parametrize("state", list(CYCLE_TABLE))
def test_each_role_is_offered_exactly_its_steps_of_a_cycle_and_told_which_cannot_be_taken_yet(app, api, state):
    cycle = cycle_in(api, state)
    assert _grid(app, cycle["id"], CYCLE_ACTIONS) == CYCLE_TABLE[state]


def test_nothing_is_offered_on_a_cancelled_cycle(app, api):
    cycle = cycle_in(api, "joint_review")
    ok(api(SPU).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "cancel", "comment": "Drawdown."}))
    assert _grid(app, cycle["id"], CYCLE_ACTIONS) == {}


def _reason(app, cycle_id: int, email: str, can) -> tuple[bool, str, bool]:
    with app.test_request_context():
        answer = can(find_user(email), get_cycle(cycle_id, find_user(SPU)))
        db.session.remove()
    return answer.is_allowed, answer.reason, answer.needs_comment


def test_a_step_that_cannot_be_taken_yet_says_why_in_plain_words(app, api, frozen_clock):
    import datetime as dt

    waiting = cycle_in(api, "component_input")
    fill_and_submit(api, waiting["submissions"][0])  # Civilian input endorsed; Force and Police not yet in
    allowed, reason, _ = _reason(app, waiting["id"], SPU, abilities.can_start_review)
    assert not allowed
    assert reason == (
        "Waiting for endorsed input from Force (pending), Police (UNPOL) (pending); "
        "you can go ahead without it after Oct 15, 2026, with a reason."
    )
    signoff = cycle_in(api, "leadership_signoff", period="2027-Q1")
    allowed, reason, _ = _reason(app, signoff["id"], LEAD, abilities.can_approve)
    assert not allowed and reason == "1 recommendation still to decide: “Strengthen early warning”."
    followup = cycle_in(api, "followup", period="2027-Q2")
    allowed, reason, _ = _reason(app, followup["id"], SPU, abilities.can_close)
    assert not allowed and reason.startswith("1 follow-up action is not done, dropped or carried over yet")
    frozen_clock.set(dt.datetime(2026, 10, 17, 8, tzinfo=dt.UTC))  # after the deadline: allowed, with a reason
    allowed, reason, needs_comment = _reason(app, waiting["id"], SPU, abilities.can_start_review)
    assert allowed and needs_comment and "give the reason for going ahead without it" in reason


def test_roles_are_checked_before_the_rules_and_a_stranger_does_not_see_the_cycle(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    with app.test_request_context():
        item = get_cycle(cycle["id"], find_user(SPU))
        spu_answer = abilities.can_approve(find_user(SPU), item)
        stranger = abilities.can_approve(find_user("spu@other.example"), item)
        role_only = abilities.can_approve(find_user(LEAD), item, check_state=False)
        db.session.remove()
    assert not spu_answer and not spu_answer.is_shown and spu_answer.refusal.status == 403
    assert spu_answer.reason == "“Approve the assessment” is for Leadership only."
    assert stranger.refusal.status == 404
    assert role_only  # Indico's check_state=False: the role alone


SUBMISSION_ACTIONS = {
    "edit": abilities.can_edit_submission,
    "submit": abilities.can_submit,
    "endorse": abilities.can_endorse,
    "send back": abilities.can_return_submission,
}
# the Civilian input's state (cycle in component input) -> person -> Y or N
SUBMISSION_TABLE = {
    "pending": {fp("CIV"): {"edit": "Y", "submit": "N"}},  # nothing written yet: submitting is refused
    "submitted": {SPU: {"endorse": "Y", "send back": "Y"}, head("CIV"): {"endorse": "Y", "send back": "Y"}},
    "endorsed": {SPU: {"send back": "Y"}, head("CIV"): {"send back": "Y"}},
}


@pytest.mark.parametrize("state", list(SUBMISSION_TABLE))
def test_each_role_is_offered_exactly_its_steps_of_a_components_input(app, api, state):
    cycle = cycle_in(api, "component_input")
    civ = cycle["submissions"][0]
    if state != "pending":
        fill_and_submit(api, civ, endorse=state == "endorsed")
    people = (*PEOPLE, fp("MIL"), head("MIL"))
    with app.test_request_context():
        from cpas_workflow.submissions.operations import get_submission

        item = get_submission(civ["id"], find_user(SPU))
        grid = {}
        for email in people:
            user = find_user(email)
            marks = {name: _mark(can(user, item)) for name, can in SUBMISSION_ACTIONS.items()}
            if any(m != "-" for m in marks.values()):
                grid[email] = {name: m for name, m in marks.items() if m != "-"}
        db.session.remove()
    assert grid == SUBMISSION_TABLE[state]


def test_the_api_lists_the_triggers_the_caller_may_fire_from_the_same_answers(api):
    cycle = cycle_in(api, "joint_review")
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["allowed_triggers"] == [
        "return_to_component",
        "submit_for_signoff",
        "cancel",
    ]
    assert ok(api(LEAD).get(f"/api/v1/cycles/{cycle['id']}"))["allowed_triggers"] == []


REC_ACTIONS = {
    "edit": abilities.can_edit_recommendation,
    "decide": abilities.can_decide_recommendation,
    "owner": abilities.can_change_owner,
    "update": abilities.can_update_recommendation,
}
# the cycle's state (its one recommendation approved at sign-off) -> person -> Y or N
REC_TABLE = {
    "joint_review": {SPU: {"edit": "Y"}},
    "leadership_signoff": {LEAD: {"decide": "Y"}},
    "followup": {SPU: {"owner": "Y", "update": "Y"}, head("CIV"): {"update": "Y"}},
    "closed": {},
}


def _recommendation_in(api, state: str) -> tuple[int, int]:
    cycle = cycle_in(api, state)
    if state == "joint_review":
        body = {"title": "Strengthen early warning", "body": "Alert networks.", "component": "CIV", "due": "2026-12-31"}
        ok(api(SPU).post(f"/api/v1/cycles/{cycle['id']}/recommendations", json=body), 201)
        cycle = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))
    return cycle["id"], cycle["recommendations"][0]["id"]


def _rec_answers(app, recommendation_id: int, people, actions) -> dict:
    from cpas_workflow.recommendations.operations import get_recommendation

    with app.test_request_context():
        found = {}
        for email in people:
            user = find_user(email)
            item = get_recommendation(recommendation_id, user)
            found[email] = {name: can(user, item) for name, can in actions.items()}
        db.session.remove()
    return found


@pytest.mark.parametrize("state", list(REC_TABLE))
def test_each_role_is_offered_exactly_its_steps_on_a_recommendation(app, api, state):
    _cycle_id, rec_id = _recommendation_in(api, state)
    answers = _rec_answers(app, rec_id, PEOPLE, REC_ACTIONS)
    grid = {email: {n: _mark(a) for n, a in marks.items() if _mark(a) != "-"} for email, marks in answers.items()}
    assert {email: marks for email, marks in grid.items() if marks} == REC_TABLE[state]


def test_a_recommendation_step_refused_says_why_in_plain_words(app, api):
    _cycle_id, rec_id = _recommendation_in(api, "followup")
    answers = _rec_answers(app, rec_id, (SPU, LEAD, fp("CIV")), REC_ACTIONS)
    edit = answers[SPU]["edit"]
    assert edit.refusal.status == 409
    assert edit.reason == (
        "Only an undecided draft can be edited or withdrawn, during the joint review; the cycle is at “Follow-up”."
    )
    assert answers[LEAD]["decide"].reason == (
        "Recommendations are decided during leadership sign-off; the cycle is at “Follow-up”."
    )
    assert answers[fp("CIV")]["update"].refusal.status == 403
    assert answers[fp("CIV")]["update"].reason == (
        "Progress on an action is reported by its owner, a head of its component or the SPU."
    )
    assert answers[LEAD]["owner"].reason == "This is for Strategic Planning Unit only."


def test_a_decided_recommendation_is_no_longer_an_editable_draft(app, api):
    cycle_id, rec_id = _recommendation_in(api, "leadership_signoff")
    fire_back = ok(api(LEAD).post(f"/api/v1/recommendations/{rec_id}/decision", json={"decision": "approve"}))
    assert fire_back["decision"] == "approved"
    ok(
        api(LEAD).post(
            f"/api/v1/cycles/{cycle_id}/transitions", json={"trigger": "return_for_rework", "comment": "More."}
        )
    )
    edit = _rec_answers(app, rec_id, (SPU,), REC_ACTIONS)[SPU]["edit"]
    assert (
        not edit
        and edit.reason == "Only an undecided draft can be edited or withdrawn: “Strengthen early warning” is approved."
    )
    refused = api(SPU).put(f"/api/v1/recommendations/{rec_id}", json={"title": "Another"})
    assert refused.status_code == 409 and refused.get_json()["error"]["message"] == edit.reason


def test_proposing_and_administering_a_cycle_are_answered_with_the_step(app, api):
    cycle = cycle_in(api, "component_input")
    later = cycle_in(api, "joint_review", period="2027-Q1")
    with app.test_request_context():
        now, review = get_cycle(cycle["id"], find_user(SPU)), get_cycle(later["id"], find_user(SPU))
        propose = abilities.can_propose_recommendation(find_user(fp("CIV")), now)
        spu_proposes = abilities.can_propose_recommendation(find_user(SPU), now)
        administer = abilities.can_administer_cycle(find_user(SPU), now)
        too_late = abilities.can_administer_cycle(find_user(SPU), review)
        head_administers = abilities.can_administer_cycle(find_user(head("CIV")), now)
        accept_now = abilities.can_settle_proposal(find_user(SPU), now, to_draft=True)
        decline_now = abilities.can_settle_proposal(find_user(SPU), now)
        db.session.remove()
    assert propose and not spu_proposes and spu_proposes.refusal.status == 403
    assert administer and not head_administers and head_administers.refusal.status == 403
    assert not too_late and too_late.refusal.status == 409
    assert too_late.reason.endswith("the cycle is at “Joint review”.")
    assert decline_now and not accept_now
    assert accept_now.reason == (
        "Accepting or merging a proposal is possible during the joint review; the cycle is at “Component input”."
    )


def test_the_api_says_which_steps_cannot_be_taken_yet_and_why_from_the_same_answers(app, api):
    cycle = cycle_in(api, "component_input")
    body = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))
    steps = {s["trigger"]: s for s in body["steps"]}
    assert set(steps) == {"start_review", "cancel"}
    assert body["allowed_triggers"] == ["start_review", "cancel"]  # as before: the role at this step
    _allowed, reason, _comment = _reason(app, cycle["id"], SPU, abilities.can_start_review)
    assert steps["start_review"] == {
        "trigger": "start_review",
        "allowed": False,
        "reason": reason,
        "needs_comment": False,
    }
    assert reason.startswith("Waiting for endorsed input from Civilian")
    assert steps["cancel"]["allowed"] and steps["cancel"]["needs_comment"]
    assert ok(api(LEAD).get(f"/api/v1/cycles/{cycle['id']}"))["steps"] == []  # nothing of leadership's here
    civ = cycle["submissions"][0]
    steps = ok(api(fp("CIV")).get(f"/api/v1/submissions/{civ['id']}"))["steps"]
    [submit] = steps
    assert submit["trigger"] == "submit" and not submit["allowed"] and "narrative" in submit["reason"].lower()


def test_the_api_says_what_each_person_may_do_with_a_recommendation_now_and_why_not(api):
    cycle = cycle_in(api, "leadership_signoff")
    rec_id = cycle["recommendations"][0]["id"]
    url = f"/api/v1/recommendations/{rec_id}"
    assert ok(api(LEAD).get(url))["actions"] == [{"action": "decide", "allowed": True, "reason": None}]
    assert ok(api(SPU).get(url))["actions"] == []  # nothing of the SPU's at sign-off
    assert ok(api(VIEWER).get(url))["actions"] == []
    ok(api(LEAD).post(f"{url}/decision", json={"decision": "approve"}))
    ok(api(LEAD).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "approve"}))
    actions = {a["action"]: a for a in ok(api(SPU).get(url))["actions"]}
    assert set(actions) == {"change_owner", "update"} and all(a["allowed"] for a in actions.values())
    assert ok(api(fp("CIV")).get(url))["actions"] == []  # not theirs: not listed at all
