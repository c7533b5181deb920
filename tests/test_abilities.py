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
