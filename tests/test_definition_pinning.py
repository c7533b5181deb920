"""A running cycle keeps the workflow versions it started with for everything it does next: the
submissions its `open_input` opens, the tasks they get (title, due date) and the reminders sent for
them. Only a cycle started after the files changed runs on the new versions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cpas_workflow.extensions import db
from cpas_workflow.tasks.models import Task
from notifications.reminders import send_reminders
from tests.cycle_helpers import SPU, fire, fp, ok, start_cycle
from tests.notify_helpers import outbox, run_job, set_notify, utc
from tests.workflow_helpers import current_workflows, edited_workflows


def _submission_v3(body: dict) -> None:
    body["version"] += 1
    submit = body["states"]["pending"]["tasks"][0]
    submit.update(title="Hand in {component} input for {period}", due={"from": "due", "days": 2})
    body["reminders"]["days_before"] = [6]


def _assessment_v2(body: dict) -> None:
    body["version"] += 1
    start_review = body["states"]["component_input"]["tasks"][0]
    start_review.update(title="Begin the joint review of {period}", due={"from": "input_due", "days": 4})


def _tasks(app, cycle_id: int) -> dict[str, tuple[str, dt.date]]:
    """The cycle's open tasks: CIV's submission task and the cycle's own, by owner, as (title, due)."""
    with app.app_context():
        query = select(Task).where(Task.cycle_id == cycle_id, Task.closed_at.is_(None))
        rows = db.session.scalars(query.options(joinedload(Task.component)))
        found = {("civ" if t.submission_id and t.component.code == "CIV" else t.role): (t.title, t.due) for t in rows}
    return {k: v for k, v in found.items() if k in ("civ", "spu")}


def _reminders(app, cycle_id: int) -> list[str]:
    """The reminders CIV's focal point got for the cycle's tasks, as `occasion`."""
    with app.app_context():
        ids = set(db.session.scalars(select(Task.id).where(Task.cycle_id == cycle_id)))
    return [
        m.key.split(":")[2]
        for m in outbox(app, recipient=fp("CIV"), kind="reminder")
        if int(m.key.split(":")[0].removeprefix("task-")) in ids
    ]


def test_a_running_cycle_opens_tasks_and_sends_reminders_of_its_own_version_while_a_new_one_uses_the_new(
    app, api, tmp_path
):
    set_notify(app, fp("CIV"), "immediate")
    running = start_cycle(api, period="2026-Q4", input_due="2026-10-15")
    folder = edited_workflows(tmp_path, component_submission=_submission_v3, quarterly_assessment=_assessment_v2)

    with current_workflows(app, folder):
        # the running cycle opens input after the files changed: its own versions decide
        opened = ok(fire(api, SPU, running["id"], "open_input"))
        new = start_cycle(api, period="2027-Q1", input_due="2026-10-20")
        ok(fire(api, SPU, new["id"], "open_input"))
        run_job(app, send_reminders, utc(2026, 10, 12, 9))  # 3 days before the running cycle's due date

    shipped = running["workflow_version"]
    assert (opened["workflow_version"], new["workflow_version"]) == (shipped, shipped + 1)
    assert _tasks(app, running["id"]) == {
        "civ": ("Submit Civilian component input for 2026-Q4", dt.date(2026, 10, 15)),
        "spu": ("Start the joint review of 2026-Q4", dt.date(2026, 10, 17)),
    }
    assert _tasks(app, new["id"]) == {
        "civ": ("Hand in Civilian component input for 2027-Q1", dt.date(2026, 10, 22)),
        "spu": ("Begin the joint review of 2027-Q1", dt.date(2026, 10, 24)),
    }
    # reminders: 3 and 1 days before for the running cycle (its version), 6 days before for the new
    # one — whichever files the app has loaded when the scheduler runs
    assert (_reminders(app, running["id"]), _reminders(app, new["id"])) == (["before-3"], [])
    run_job(app, send_reminders, utc(2026, 10, 14, 9))
    run_job(app, send_reminders, utc(2026, 10, 16, 9))
    assert _reminders(app, running["id"]) == ["before-3", "before-1", "overdue-0"]
    assert _reminders(app, new["id"]) == ["before-6"]
