"""Driving cycles through the API in tests: start one, move it to a given state."""

from __future__ import annotations

COMPONENTS = ("CIV", "MIL", "POL")
SPU, LEAD = "spu@demo.example", "lead@demo.example"


def fp(code: str) -> str:
    return f"{code.lower()}.fp@demo.example"


def head(code: str) -> str:
    return f"{code.lower()}.head@demo.example"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


def start_cycle(
    api, *, period="2026-Q4", input_due="2026-10-15", components=COMPONENTS, workflow="quarterly_assessment"
):
    return ok(
        api(SPU).post(
            "/api/v1/missions/DEMO/cycles",
            json={"workflow": workflow, "period": period, "input_due": input_due, "components": list(components)},
        ),
        201,
    )


def fire(api, email: str, cycle_id: int, trigger: str, **body):
    return api(email).post(f"/api/v1/cycles/{cycle_id}/transitions", json={"trigger": trigger, **body})


def fire_submission(api, email: str, submission_id: int, trigger: str, **body):
    return api(email).post(f"/api/v1/submissions/{submission_id}/transitions", json={"trigger": trigger, **body})


def fill_and_submit(api, submission: dict, *, endorse: bool = True) -> None:
    code = submission["component"]
    ok(
        api(fp(code)).put(
            f"/api/v1/submissions/{submission['id']}",
            json={"narrative": f"{code} made progress.", "rating": "some_progress"},
        )
    )
    ok(fire_submission(api, fp(code), submission["id"], "submit"))
    if endorse:
        ok(fire_submission(api, head(code), submission["id"], "endorse"))


def cycle_in(api, state: str, **start) -> dict:
    """A cycle brought to `state` along the main path (all input endorsed, one recommendation)."""
    cycle = start_cycle(api, **start)
    cid = cycle["id"]
    path = ["component_input", "joint_review", "leadership_signoff", "followup", "closed"]
    if state == "draft_plan":
        return cycle
    cycle = ok(fire(api, SPU, cid, "open_input"))
    if state == "component_input":
        return cycle
    for submission in cycle["submissions"]:
        fill_and_submit(api, submission)
    cycle = ok(fire(api, SPU, cid, "start_review"))
    if state == "joint_review":
        return cycle
    rec = ok(
        api(SPU).post(
            f"/api/v1/cycles/{cid}/recommendations",
            json={
                "title": "Strengthen early warning",
                "body": "Set up **community alert networks**.",
                "component": "CIV",
                "due": "2026-12-31",
            },
        ),
        201,
    )
    cycle = ok(fire(api, SPU, cid, "submit_for_signoff"))
    if state == "leadership_signoff":
        return cycle
    ok(api(LEAD).post(f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}))
    cycle = ok(fire(api, LEAD, cid, "approve"))
    if state == "followup":
        return cycle
    ok(
        api(head("CIV")).post(
            f"/api/v1/recommendations/{rec['id']}/updates", json={"status": "done", "note": "Networks set up."}
        ),
        201,
    )
    cycle = ok(fire(api, SPU, cid, "close"))
    assert state == "closed" and state in path
    return cycle
