"""The steps on a cycle page: a step that cannot succeed yet is shown disabled with the reason in plain
words; approving, closing and cancelling are confirmed first, with what will happen; cancelling
stands apart in a danger zone; a stale form says so and keeps what was typed. Every answer to a step
is a redirect (post/redirect/get): a confirmation asked for, or a refusal, is shown on the page it
leads to, so a reload never sends the step again."""

from __future__ import annotations

import re

from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from tests.cycle_helpers import LEAD, SPU, cycle_in, fill_and_submit, ok
from tests.web_helpers import flashes, page, post, post_then_get, signed_in


def _state(app, cycle_id: int) -> str:
    with app.app_context():
        return db.session.get(Cycle, cycle_id).state


def _offer(html: str, trigger: str) -> str:
    """The HTML of one offered step (its form, its disabled button, or its confirmation)."""
    match = re.search(rf'<(div|form|details) [^>]*id="offer-{trigger}".*?</\1>', html, re.S)
    assert match, f"{trigger} not offered"
    return match.group(0)


def test_a_step_that_cannot_succeed_yet_is_disabled_with_the_reason_in_plain_words(app, api):
    cycle = cycle_in(api, "component_input")
    fill_and_submit(api, cycle["submissions"][0])
    html = page(signed_in(app, SPU), f"/cycles/{cycle['id']}")
    start = _offer(html, "start_review")
    assert "disabled" in start and 'aria-describedby="why-start_review"' in start
    assert (
        "Waiting for endorsed input from Force (pending), Police (UNPOL) (pending); "
        "you can go ahead without it after Oct 15, 2026, with a reason." in start
    )
    assert "(pending)</" not in html.replace("(pending), ", "")  # no log-like “CIV (pending)” anywhere else


def test_approve_is_not_offered_until_every_recommendation_is_decided(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    lead = signed_in(app, LEAD)
    approve = _offer(page(lead, f"/cycles/{cycle['id']}/sign-off"), "approve")
    assert '<button type="button" disabled' in approve
    assert "1 recommendation still to decide: “Strengthen early warning”." in approve
    rec = cycle["recommendations"][0]["id"]
    ok(api(LEAD).post(f"/api/v1/recommendations/{rec}/decision", json={"decision": "approve"}))
    approve = _offer(page(lead, f"/cycles/{cycle['id']}/sign-off"), "approve")
    assert "disabled" not in approve and "<details" in approve


def test_approving_is_confirmed_first_with_what_will_happen(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    rec = cycle["recommendations"][0]["id"]
    ok(api(LEAD).post(f"/api/v1/recommendations/{rec}/decision", json={"decision": "approve"}))
    lead = signed_in(app, LEAD)
    version = ok(api(LEAD).get(f"/api/v1/cycles/{cycle['id']}"))["version"]
    form = {"trigger": "approve", "expected_version": version, "page": "signoff"}
    html = post_then_get(lead, f"/cycles/{cycle['id']}/transitions", form)  # no confirmation: asked again
    assert _state(app, cycle["id"]) == "leadership_signoff"
    approve = _offer(html, "approve")
    assert "<details" in approve and " open>" in approve and "Please confirm: nothing has been done yet." in approve
    assert "makes 1 approved recommendation a follow-up action" in approve
    assert 'name="confirmed" value="y"' in approve and "Yes: Approve the assessment</button>" in approve
    post(lead, f"/cycles/{cycle['id']}/transitions", {**form, "confirmed": "y"})
    assert _state(app, cycle["id"]) == "followup"
    assert "The cycle is now at “Follow-up”." in flashes(page(lead, f"/cycles/{cycle['id']}/sign-off"))[0]


def test_closing_is_confirmed_with_the_counts_of_what_it_ends(app, api):
    cycle = cycle_in(api, "followup")
    rec = cycle["recommendations"][0]["id"]
    ok(
        api("civ.head@demo.example").post(
            f"/api/v1/recommendations/{rec}/updates", json={"status": "done", "note": "x"}
        ),
        201,
    )
    spu = signed_in(app, SPU)
    close = _offer(page(spu, f"/cycles/{cycle['id']}"), "close")
    assert "<details" in close and "1 action(s) done, 0 dropped, 0 carried over" in close
    version = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["version"]
    html = post_then_get(spu, f"/cycles/{cycle['id']}/transitions", {"trigger": "close", "expected_version": version})
    assert _state(app, cycle["id"]) == "followup"
    assert "Please confirm: nothing has been done yet." in _offer(html, "close")


def test_cancelling_stands_apart_in_a_danger_zone_with_its_own_reason_box(app, api):
    cycle = cycle_in(api, "joint_review")
    html = page(signed_in(app, SPU), f"/cycles/{cycle['id']}")
    main, danger = html.split('id="danger-h"')
    assert "offer-cancel" not in main  # not under the main steps
    assert html.index('id="audit-h"') < html.index('id="danger-h"')  # at the bottom of the page
    cancel = _offer(danger, "cancel")
    assert 'class="button danger"' in cancel and "Why this cycle is cancelled (required)" in cancel
    assert "This cannot be undone." in cancel


def test_a_stale_cancel_is_told_on_the_page_with_the_reason_kept(app, api):
    cycle = cycle_in(api, "joint_review")
    spu = signed_in(app, SPU)
    old = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["version"]
    ok(api(SPU).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "submit_for_signoff"}))
    form = {"trigger": "cancel", "comment": "Mandate ends in March.", "expected_version": old, "confirmed": "y"}
    html = post_then_get(spu, f"/cycles/{cycle['id']}/transitions", form)
    assert "Someone else changed this cycle since you opened the page: it is now at “Leadership sign-off”." in html
    cancel = _offer(html, "cancel")
    assert " open>" in cancel and "Mandate ends in March.</textarea>" in cancel  # still where it was typed
    assert f'name="expected_version" value="{old}"' not in cancel  # sent again, it is the current version
    assert _state(app, cycle["id"]) == "leadership_signoff"


def test_the_audit_trail_speaks_in_peoples_words_and_folds_draft_saves(app, api):
    from tests.cycle_helpers import fp

    cycle = cycle_in(api, "component_input")
    civ = cycle["submissions"][0]
    for text in ("First go.", "Second go.", "Third go."):
        body = {"narrative": text, "rating": "on_track"}
        ok(api(fp("CIV")).put(f"/api/v1/submissions/{civ['id']}", json=body))
    ok(api(fp("CIV")).post(f"/api/v1/submissions/{civ['id']}/transitions", json={"trigger": "submit"}))
    html = page(signed_in(app, "viewer@demo.example"), f"/cycles/{cycle['id']}")
    trail = html.split('id="audit-h"')[1]
    assert trail.count("Edited: Civilian component input") == 1  # three saves in a row: one entry
    assert 'Edited: Civilian component input <span class="muted">(3 saves)</span>' in trail
    assert "Submitted: Civilian component input" in trail and "Pending → Submitted" in trail
    assert "Component input opened" in trail
    assert "Taking part: Civilian component, Force, Police (UNPOL)" in trail
    for internal in ("cycle:", "submission:", "quarterly_assessment v", "(pending)", "component_input"):
        assert internal not in html, internal
    mission = page(signed_in(app, "viewer@demo.example"), "/missions/DEMO")
    assert "cycle:" not in mission and "submission:" not in mission and f">cycle {cycle['id']}<" not in mission
    assert "Edited: Civilian component input (3 saves)" in mission


def test_the_spu_endorses_all_submitted_input_once_confirmed(app, api):
    from tests.cycle_helpers import head

    cycle = cycle_in(api, "component_input")
    for submission in cycle["submissions"][:2]:
        fill_and_submit(api, submission, endorse=False)
    spu = signed_in(app, SPU)
    offer = _offer(page(spu, f"/cycles/{cycle['id']}"), "endorse_all")
    assert (
        "Endorse all submitted input…</summary>" in offer
        and "the input of Civilian component, Force is agreed" in offer
    )
    assert "offer-endorse_all" not in page(signed_in(app, head("CIV")), f"/cycles/{cycle['id']}")  # one component
    version = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["version"]
    form = {"trigger": "endorse_all", "expected_version": version, "page": "cycle"}
    html = post_then_get(spu, f"/cycles/{cycle['id']}/endorse-all", form)
    assert "Please confirm: nothing has been done yet." in _offer(html, "endorse_all")
    states = lambda: [s["state"] for s in ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["submissions"]]  # noqa: E731
    assert states() == ["submitted", "submitted", "pending"]
    post(spu, f"/cycles/{cycle['id']}/endorse-all", {**form, "confirmed": "y"})
    assert states() == ["endorsed", "endorsed", "pending"]
    assert "Endorsed: Civilian component, Force." in flashes(page(spu, f"/cycles/{cycle['id']}"))[0]
    offer = _offer(page(spu, f"/cycles/{cycle['id']}"), "endorse_all")
    assert "disabled" in offer and "No input is waiting for endorsement." in offer


def test_a_change_that_loses_a_race_at_commit_is_refused_on_the_page_too(app, api, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    cycle = cycle_in(api, "joint_review")
    spu = signed_in(app, SPU)
    version = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["version"]
    form = {"trigger": "cancel", "comment": "Mandate ends.", "expected_version": version, "confirmed": "y"}
    form["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page(spu, f"/cycles/{cycle['id']}")).group(1)

    commit, lost = db.session.commit, []

    def lost_race():  # the step's commit loses; the refusal is then kept as any other
        if not lost:
            lost.append(True)
            raise StaleDataError("UPDATE statement on table 'cycles' expected to update 1 row(s); 0 were matched.")
        commit()

    monkeypatch.setattr(db.session, "commit", lost_race)  # the page commits through the API's helper
    response = spu.post(f"/cycles/{cycle['id']}/transitions", data=form)
    monkeypatch.undo()
    assert response.status_code == 302 and lost
    html = page(spu, response.headers["Location"])
    assert "Someone else changed this at the same moment: nothing was saved." in html
    assert "Mandate ends.</textarea>" in html and _state(app, cycle["id"]) == "joint_review"
