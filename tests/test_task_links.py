"""Where is this task done? My tasks, the API's `url` and the e-mail about the task give one answer,
for every kind of task: the input on its submission page, the review on the joint review, the
sign-off on the sign-off page, a follow-up action at its place on the follow-up board."""

from __future__ import annotations

import re

from cpas_workflow.extensions import db
from notifications.models import OutboxMessage
from tests.cycle_helpers import LEAD, SPU, cycle_in, fp, head, ok
from tests.web_helpers import page, signed_in

BASE = "http://cpas.test"


def _immediate(api, *emails) -> None:
    for email in emails:
        ok(api(email).put("/api/v1/me/preferences", json={"notify": "immediate"}))


def _mailed_paths(app) -> dict[str, str]:
    """The link of each task-opened e-mail queued so far, by its task title."""
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "task_opened")).all()
        return {row.context["title"]: row.context["path"] for row in rows}


def _listed_paths(app, email: str) -> dict[str, str]:
    html = page(signed_in(app, email), "/")
    return {title: href for href, title in re.findall(r'<td><a href="([^"]+)">([^<]+)</a>', html)}


def test_my_tasks_the_api_and_the_e_mail_send_each_task_to_the_same_page(app, api):
    _immediate(api, SPU, LEAD, fp("CIV"), head("CIV"))
    cycle = cycle_in(api, "leadership_signoff")
    civ = cycle["submissions"][0]["id"]
    mailed = _mailed_paths(app)
    assert mailed["Submit Civilian component input for 2026-Q4"] == f"/submissions/{civ}"
    for email, title, path in [(LEAD, "Sign off the 2026-Q4 assessment", f"/cycles/{cycle['id']}/sign-off")]:
        assert mailed[title] == path
        assert _listed_paths(app, email)[title] == path
        assert {t["title"]: t["url"] for t in ok(api(email).get("/api/v1/tasks"))}[title] == BASE + path
    rec = cycle["recommendations"][0]["id"]
    ok(api(LEAD).post(f"/api/v1/recommendations/{rec}/decision", json={"decision": "approve"}))
    ok(api(LEAD).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "approve"}))
    title = "Follow up: Strengthen early warning"
    board = f"/missions/DEMO/follow-up#rec-{rec}"
    assert _mailed_paths(app)[title] == board
    assert _listed_paths(app, head("CIV"))[title] == board
    assert {t["title"]: t["url"] for t in ok(api(head("CIV")).get("/api/v1/tasks"))}[title] == BASE + board
