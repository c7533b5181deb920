"""Two people firing on the same cycle at once: one wins, the other gets 409, one audit event."""

import threading

import pytest
from sqlalchemy import func, select

from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.extensions import db
from tests.cycle_helpers import SPU, cycle_in


def _race(app, calls):
    """Run each call in its own thread and client at the same moment; their responses."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, method, url, body, headers):
        client = app.test_client()
        barrier.wait()
        results[i] = getattr(client, method)(url, json=body, headers=headers)

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("rounds", range(3))
def test_two_spus_firing_on_the_same_cycle_at_once_one_wins_and_one_gets_409(app, api, rounds):
    """Both saw the same version of the cycle (as two open pages do); only one change may apply."""
    cycle = cycle_in(api, "draft_plan")
    url = f"/api/v1/cycles/{cycle['id']}/transitions"
    headers = api(SPU).headers
    version = cycle["version"]
    responses = _race(
        app,
        [
            ("post", url, {"trigger": "open_input", "expected_version": version}, headers),
            ("post", url, {"trigger": "cancel", "comment": "Raced.", "expected_version": version}, headers),
        ],
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409], [r.get_json() for r in responses]
    loser = next(r for r in responses if r.status_code == 409).get_json()["error"]
    assert loser["code"] == "conflict" and loser["message"]
    winner = next(r for r in responses if r.status_code == 200).get_json()
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.cycle_id == cycle["id"]).order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == [
            "start_cycle",
            "open_input" if winner["state"] == "component_input" else "cancel",
        ]
    after = api(SPU).get(f"/api/v1/cycles/{cycle['id']}").get_json()
    assert after["state"] == winner["state"] and after["version"] == winner["version"]


def test_the_same_trigger_fired_twice_at_once_applies_once_even_without_a_version(app, api):
    cycle = cycle_in(api, "draft_plan")
    url = f"/api/v1/cycles/{cycle['id']}/transitions"
    headers = api(SPU).headers
    responses = _race(app, [("post", url, {"trigger": "open_input"}, headers)] * 2)
    assert sorted(r.status_code for r in responses) == [200, 409]
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "open_input"))
            == 1
        )
        from cpas_workflow.tasks.models import Task

        open_tasks = db.session.scalar(
            select(func.count()).select_from(Task).where(Task.closed_at.is_(None), Task.cycle_id == cycle["id"])
        )
        assert open_tasks == 1 + 3  # the SPU's "start the review" and one per component: no duplicates


def test_two_edits_of_one_submission_with_the_same_version_keep_exactly_one(app, api):
    cycle = cycle_in(api, "component_input")
    sub = cycle["submissions"][0]
    url = f"/api/v1/submissions/{sub['id']}"
    headers = api("civ.fp@demo.example").headers
    responses = _race(
        app,
        [
            ("put", url, {"narrative": "Version A", "expected_version": sub["version"]}, headers),
            ("put", url, {"narrative": "Version B", "expected_version": sub["version"]}, headers),
        ],
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200).get_json()
    assert api("civ.fp@demo.example").get(url).get_json()["narrative"] == winner["narrative"]


def test_racing_triggers_without_versions_are_applied_one_after_the_other_or_refused(app, api):
    """Without expected_version a trigger applies to the state it finds: never two changes from one state."""
    cycle = cycle_in(api, "draft_plan")
    url = f"/api/v1/cycles/{cycle['id']}/transitions"
    headers = api(SPU).headers
    responses = _race(
        app,
        [
            ("post", url, {"trigger": "open_input"}, headers),
            ("post", url, {"trigger": "cancel", "comment": "x"}, headers),
        ],
    )
    assert {r.status_code for r in responses} <= {200, 409} and 200 in {r.status_code for r in responses}
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.cycle_id == cycle["id"]).order_by(AuditEvent.id)
        ).all()
    chain = [(e.from_state, e.to_state) for e in events[1:]]
    assert len(chain) == sum(r.status_code == 200 for r in responses)
    assert all(a[1] == b[0] for a, b in zip(chain, chain[1:], strict=False)), (
        chain
    )  # each change starts where the last ended
