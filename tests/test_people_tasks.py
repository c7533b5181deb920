"""Claiming and assigning: a task addressed to a role with several holders can be taken by one of
them, after which its reminders go to them only; the SPU can give any task of its mission to a holder
of its role (or a holder's delegate), and no one else."""

from __future__ import annotations

from notifications.reminders import send_reminders
from tests.cycle_helpers import SPU, cycle_in, fire, fp, head, ok, start_cycle
from tests.notify_helpers import outbox, run_job, set_notify, utc
from tests.people_helpers import SPU2, add_holder, delegate


def review_task(api, email: str = SPU) -> dict:
    """The SPU's task of the joint review."""
    cycle_in(api, "joint_review")
    [task] = [t for t in ok(api(email).get("/api/v1/tasks")) if "joint review" in t["title"]]
    return task


def test_a_claimed_tasks_reminders_go_to_the_claimant_only(app, api):
    add_holder(app, SPU2, "Sue Second", "spu")
    for email in (SPU, SPU2):
        set_notify(app, email, "immediate")
    task = review_task(api)
    claimed = ok(api(SPU2).post(f"/api/v1/tasks/{task['id']}/claim"))
    assert claimed["assignee"] == SPU2
    # everyone who sees it sees who took it
    assert [t["assignee"] for t in ok(api(SPU).get("/api/v1/tasks")) if t["id"] == task["id"]] == [SPU2]

    run_job(app, send_reminders, utc(2026, 10, 10, 9))  # review due 11 Oct: the day-before reminder
    told = {m.recipient for m in outbox(app, kind="reminder") if f"task-{task['id']}:" in m.key}
    assert told == {SPU2}


def test_an_unclaimed_tasks_reminders_go_to_every_holder(app, api):
    add_holder(app, SPU2, "Sue Second", "spu")
    for email in (SPU, SPU2):
        set_notify(app, email, "immediate")
    task = review_task(api)
    run_job(app, send_reminders, utc(2026, 10, 10, 9))
    assert {m.recipient for m in outbox(app, kind="reminder") if f"task-{task['id']}:" in m.key} == {SPU, SPU2}


def test_claiming_is_for_holders_of_the_role_and_once(app, api):
    add_holder(app, SPU2, "Sue Second", "spu")
    task = review_task(api)
    assert api(fp("CIV")).post(f"/api/v1/tasks/{task['id']}/claim").status_code == 403
    assert api("spu@other.example").post(f"/api/v1/tasks/{task['id']}/claim").status_code == 404
    ok(api(SPU).post(f"/api/v1/tasks/{task['id']}/claim"))
    ok(api(SPU).post(f"/api/v1/tasks/{task['id']}/claim"))  # again: still theirs
    taken = api(SPU2).post(f"/api/v1/tasks/{task['id']}/claim")
    assert taken.status_code == 409 and "taken by spu@demo.example" in taken.get_json()["error"]["message"]


def test_the_spu_assigns_to_a_holder_or_a_holders_delegate_and_refuses_anyone_else(app, api):
    cycle = ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))
    [civ_task] = [t for t in ok(api(fp("CIV")).get("/api/v1/tasks")) if t["cycle"] == cycle["id"]]
    url = f"/api/v1/tasks/{civ_task['id']}/assign"

    refused = api(SPU).post(url, json={"to": fp("MIL")})
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"] == {
        "to": "not a holder of the task's role"
    }
    assert api(SPU).post(url, json={"to": "nobody@demo.example"}).status_code == 422
    assert api(SPU).post(url, json={}).status_code == 400
    assert api(head("CIV")).post(url, json={"to": fp("CIV")}).status_code == 403
    assert api("spu@other.example").post(url, json={"to": fp("CIV")}).status_code == 404

    assert ok(api(SPU).post(url, json={"to": fp("CIV")}))["assignee"] == fp("CIV")
    delegate(api, fp("CIV"), fp("MIL"))
    assert ok(api(SPU).post(url, json={"to": fp("MIL")}))["assignee"] == fp("MIL")
    events = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}/events"))
    assert [e["comment"] for e in events if e["action"] == "assign_task"] == [fp("CIV"), fp("MIL")]


def test_a_delegate_sees_the_task_assigned_to_the_person_they_act_for(app, api):
    cycle = ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))
    [civ_task] = [t for t in ok(api(fp("CIV")).get("/api/v1/tasks")) if t["cycle"] == cycle["id"]]
    ok(api(fp("CIV")).post(f"/api/v1/tasks/{civ_task['id']}/claim"))
    delegate(api, fp("CIV"), fp("MIL"))
    [seen] = [t for t in ok(api(fp("MIL")).get("/api/v1/tasks")) if t["id"] == civ_task["id"]]
    assert seen["assignee"] == fp("CIV") and seen["on_behalf_of"] == fp("CIV")


def test_a_done_task_cannot_be_claimed(app, api):
    task = review_task(api)
    ok(api(SPU).post(f"/api/v1/tasks/{task['id']}/claim"))
    cycle_id = task["cycle"]
    recommendation = {"title": "t", "body": "b", "component": "CIV", "due": "2026-12-31"}
    ok(api(SPU).post(f"/api/v1/cycles/{cycle_id}/recommendations", json=recommendation), 201)
    ok(fire(api, SPU, cycle_id, "submit_for_signoff"))
    assert api(SPU).post(f"/api/v1/tasks/{task['id']}/claim").status_code == 409
    assert api(SPU).post(f"/api/v1/tasks/{task['id']}/assign", json={"to": SPU}).status_code == 409


def test_taking_a_task_is_offered_only_when_someone_else_could_do_it_too(app, api):
    from tests.web_helpers import page, signed_in

    cycle = cycle_in(api, "component_input")
    [task] = [t for t in ok(api(fp("CIV")).get("/api/v1/tasks")) if t["cycle"] == cycle["id"]]
    civ = signed_in(app, fp("CIV"))
    # the only focal point of CIV: the task is theirs already, so nothing to take
    assert "Take this task" not in page(civ, "/") and "Take this task" not in page(civ, f"/tasks/{task['id']}")
    add_holder(app, "civ.fp2@demo.example", "Second Focal", "focal_point", component="CIV")
    assert "Take this task" in page(civ, "/") and "Take this task" in page(civ, f"/tasks/{task['id']}")
    ok(api(fp("CIV")).post(f"/api/v1/tasks/{task['id']}/claim"))
    assert "Take this task" not in page(civ, "/")  # taken: nothing more to take
