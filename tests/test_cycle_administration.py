"""The SPU administers a running cycle through the API: moves the input deadline (with a reason; the
open tasks follow), adds a component or excuses one (excused input stops holding up the joint
review), sets the guidance components read. Each is audited, refused to anyone else, and refused
once the joint review has started."""

from __future__ import annotations

import pytest

from tests.cycle_helpers import SPU, cycle_in, fill_and_submit, fire, fp, ok, start_cycle

OTHER_SPU = "spu@other.example"


def _events(api, cid: int, action: str) -> list[dict]:
    return [e for e in ok(api(SPU).get(f"/api/v1/cycles/{cid}/events")) if e["action"] == action]


def _task_due(api, email: str, cid: int) -> list[str]:
    return [t["due"] for t in ok(api(email).get("/api/v1/tasks")) if t["cycle"] == cid]


def test_the_spu_moves_the_deadline_with_a_reason_and_the_open_tasks_follow(api):
    cycle = cycle_in(api, "component_input")
    cid = cycle["id"]
    assert _task_due(api, fp("CIV"), cid) == ["2026-10-15"]
    moved = ok(
        api(SPU).put(
            f"/api/v1/cycles/{cid}/input-deadline", json={"input_due": "2026-10-29", "reason": "Elections week"}
        )
    )
    assert moved["input_due"] == "2026-10-29"
    assert {s["due"] for s in moved["submissions"]} == {"2026-10-29"}
    assert _task_due(api, fp("CIV"), cid) == ["2026-10-29"]  # one open task, at the new date
    [event] = _events(api, cid, "change_deadline")
    assert event["actor"] == SPU and event["comment"] == "2026-10-15 → 2026-10-29: Elections week"


def test_input_sent_back_for_revision_is_due_back_by_the_moved_deadline_too(api):
    from tests.cycle_helpers import fire_submission, head

    cycle = cycle_in(api, "component_input")
    cid, civ = cycle["id"], cycle["submissions"][0]
    fill_and_submit(api, civ, endorse=False)
    ok(fire_submission(api, head("CIV"), civ["id"], "return", comment="Add the west."))
    assert _task_due(api, fp("CIV"), cid) == ["2026-10-15"]  # five days would be the 6th: the deadline counts
    body = {"input_due": "2026-10-29", "reason": "Elections week"}
    ok(api(SPU).put(f"/api/v1/cycles/{cid}/input-deadline", json=body))
    assert _task_due(api, fp("CIV"), cid) == ["2026-10-29"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"input_due": "2026-10-29"}, "reason"),
        ({"input_due": "2026-10-29", "reason": "   "}, "reason"),
        ({"input_due": "2026-09-01", "reason": "Earlier"}, "input_due"),  # already past
        ({"input_due": "2026-10-15", "reason": "Same"}, "input_due"),  # unchanged
        ({"input_due": "9999-12-31", "reason": "Far"}, "input_due"),
    ],
)
def test_a_deadline_change_without_a_reason_or_to_a_bad_date_is_refused_naming_the_field(api, body, field):
    cid = cycle_in(api, "component_input")["id"]
    response = api(SPU).put(f"/api/v1/cycles/{cid}/input-deadline", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert ok(api(SPU).get(f"/api/v1/cycles/{cid}"))["input_due"] == "2026-10-15"


def test_only_the_missions_spu_administers_and_only_until_the_joint_review(api):
    cid = cycle_in(api, "component_input")["id"]
    body = {"input_due": "2026-10-29", "reason": "x"}
    assert api(fp("CIV")).put(f"/api/v1/cycles/{cid}/input-deadline", json=body).status_code == 403
    assert api("lead@demo.example").put(f"/api/v1/cycles/{cid}/guidance", json={"guidance": "x"}).status_code == 403
    assert api(OTHER_SPU).put(f"/api/v1/cycles/{cid}/input-deadline", json=body).status_code == 404
    assert api(OTHER_SPU).post(f"/api/v1/cycles/{cid}/components/CIV/excuse", json={"reason": "x"}).status_code == 404
    review = cycle_in(api, "joint_review", period="2026-Q3")["id"]
    response = api(SPU).put(f"/api/v1/cycles/{review}/input-deadline", json=body)
    assert response.status_code == 409 and "joint review" in response.get_json()["error"]["message"]
    response = api(SPU).put(f"/api/v1/cycles/{cid}/input-deadline", json={**body, "expected_version": 0})
    assert response.status_code == 409  # stale


def test_a_component_added_during_input_gets_its_submission_and_task(api):
    cycle = ok(fire(api, SPU, start_cycle(api, components=("CIV", "MIL"))["id"], "open_input"))
    cid = cycle["id"]
    response = api(SPU).post(f"/api/v1/cycles/{cid}/components", json={"component": "POL", "reason": "Mandate"})
    added = ok(response, 201)
    pol = next(s for s in added["submissions"] if s["component"] == "POL")
    assert (pol["state"], pol["due"], pol["is_required"]) == ("pending", "2026-10-15", True)
    assert _task_due(api, fp("POL"), cid) == ["2026-10-15"]
    assert _events(api, cid, "add_cycle_component")[0]["comment"] == "POL: Mandate"
    again = api(SPU).post(f"/api/v1/cycles/{cid}/components", json={"component": "POL", "reason": "x"})
    assert again.status_code == 422 and "component" in again.get_json()["error"]["fields"]
    unknown = api(SPU).post(f"/api/v1/cycles/{cid}/components", json={"component": "NAV", "reason": "x"})
    assert unknown.status_code == 422
    no_reason = api(SPU).post(f"/api/v1/cycles/{cid}/components", json={"component": "POL"})
    assert no_reason.status_code == 422


def test_an_excused_component_no_longer_holds_up_the_joint_review(api):
    cycle = cycle_in(api, "component_input")
    cid = cycle["id"]
    for submission in cycle["submissions"]:
        if submission["component"] != "POL":
            fill_and_submit(api, submission)
    assert fire(api, SPU, cid, "start_review").status_code == 422  # POL is missing, deadline not passed
    assert _task_due(api, fp("POL"), cid) == ["2026-10-15"]
    refused = api(SPU).post(f"/api/v1/cycles/{cid}/components/POL/excuse", json={})
    assert refused.status_code == 422 and "reason" in refused.get_json()["error"]["fields"]
    excused = ok(api(SPU).post(f"/api/v1/cycles/{cid}/components/POL/excuse", json={"reason": "Redeployed"}))
    assert next(s for s in excused["submissions"] if s["component"] == "POL")["is_required"] is False
    assert _task_due(api, fp("POL"), cid) == []  # nothing owed any more
    assert _events(api, cid, "excuse_component")[0]["comment"] == "POL: Redeployed"
    assert ok(fire(api, SPU, cid, "start_review"))["state"] == "joint_review"
    endorsed = api(SPU).post(f"/api/v1/cycles/{cid}/components/CIV/excuse", json={"reason": "x"})
    assert endorsed.status_code == 409  # the review has started


def test_the_guidance_is_set_sanitized_and_shown_on_each_submission_page(app, api):
    from tests.web_helpers import page, signed_in

    cycle = start_cycle(api)
    cid = cycle["id"]
    body = {"guidance": "Report on **patrols**. <script>alert(1)</script>"}
    answer = ok(api(SPU).put(f"/api/v1/cycles/{cid}/guidance", json=body))
    assert answer["guidance"] == body["guidance"]
    assert "<strong>patrols</strong>" in answer["guidance_html"] and "<script" not in answer["guidance_html"]
    ok(fire(api, SPU, cid, "open_input"))
    sid = next(s["id"] for s in cycle["submissions"] if s["component"] == "MIL")
    html = page(signed_in(app, fp("MIL")), f"/submissions/{sid}")
    assert "<strong>patrols</strong>" in html and "<script>alert" not in html
    assert _events(api, cid, "set_guidance")
