# ruff: noqa: F811  (the smtp fixture is imported)
"""Delivery of the outbox: a real SMTP server, retries while it is down, permanent failure, the file
fallback, time-outs, and the outbox rows written in the transaction of the change."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

from cpas_workflow.extensions import db
from notifications.delivery import deliver_outbox
from notifications.outbox import enqueue
from tests.conftest import sign_in
from tests.cycle_helpers import SPU, fire, fp, ok, start_cycle
from tests.notify_helpers import keys, outbox, run_job, run_pass, set_notify, smtp  # noqa: F401

SUBMIT_TITLE = "Submit Civilian component input for 2026-Q4"


def open_input_with_immediate_focal_point(api, app) -> dict:
    set_notify(app, fp("CIV"), "immediate")
    cycle = start_cycle(api)
    return ok(fire(api, SPU, cycle["id"], "open_input"))


def test_opening_a_task_queues_a_message_for_immediate_users_only(app, api):
    open_input_with_immediate_focal_point(api, app)
    rows = outbox(app)
    assert [m.recipient for m in rows] == [fp("CIV")]
    assert rows[0].subject == f"New task: {SUBMIT_TITLE}"
    assert rows[0].status == "pending" and rows[0].attempts == 0


def test_a_refused_transition_queues_nothing(app, api):
    set_notify(app, SPU, "immediate")
    cycle = start_cycle(api)
    before = keys(app)
    response = fire(api, SPU, cycle["id"], "close")
    assert response.status_code == 409
    assert keys(app) == before


def test_the_same_key_is_queued_once(app, demo):
    from cpas_workflow.accounts.operations import find_user

    with app.app_context():
        user = find_user(SPU)
        context = {"task": None, "mission": None, "url": "x", "days_left": 0}
        assert enqueue("k:1", "test", user, "reminder", subject=("Hello", {}), **context | {"task": _Task()})
        assert not enqueue("k:1", "test", user, "reminder", subject=("Hello", {}), **context | {"task": _Task()})
        db.session.commit()
    assert keys(app) == ["k:1"]


class _Task:
    title, due, mission = "A task", dt.date(2026, 10, 5), None


def test_messages_arrive_by_smtp_with_recipient_subject_link_and_both_parts(app, api, smtp):
    cycle = open_input_with_immediate_focal_point(api, app)
    run_job(app, deliver_outbox)
    [received] = smtp.inbox.received
    assert received.recipients == [fp("CIV")]
    assert received.message["Subject"] == f"New task: {SUBMIT_TITLE}"
    civ = next(s for s in cycle["submissions"] if s["component"] == "CIV")
    link = f"http://cpas.test/submissions/{civ['id']}"
    assert link in received.text and f'href="{link}"' in received.html
    assert "http://cpas.test/unsubscribe/" in received.text and "http://cpas.test/unsubscribe/" in received.html
    assert received.message["List-Unsubscribe"].startswith("<http://cpas.test/unsubscribe/")
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [row] = outbox(app)
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None


def test_smtp_down_for_a_while_then_up_every_message_arrives_once(app, api, smtp, frozen_clock):
    set_notify(app, fp("MIL"), "immediate")
    set_notify(app, fp("POL"), "immediate")
    open_input_with_immediate_focal_point(api, app)
    queued = keys(app)
    assert len(queued) == 3
    smtp.stop()
    run_job(app, deliver_outbox)
    first = outbox(app)[0]
    assert first.status == "pending" and first.attempts == 1 and "Connection refused" in first.last_error
    assert first.next_attempt_at == first.created_at + dt.timedelta(seconds=60)
    run_job(app, deliver_outbox)  # a pass stops at the first connection failure: one message per pass
    run_job(app, deliver_outbox)
    assert [m.attempts for m in outbox(app)] == [1, 1, 1]
    run_job(app, deliver_outbox)  # none is due again yet: nothing tried
    assert sum(m.attempts for m in outbox(app)) == 3
    for _ in range(2):  # still down an hour later, and later still: tried again, backing off
        frozen_clock.advance(hours=1)
        run_job(app, deliver_outbox)
    assert sum(m.attempts for m in outbox(app)) == 5
    assert smtp.inbox.received == []
    smtp.start()
    frozen_clock.advance(hours=7)
    run_job(app, deliver_outbox)
    run_job(app, deliver_outbox)
    assert sorted(smtp.inbox.keys()) == sorted(queued)
    rows = outbox(app)
    assert {m.status for m in rows} == {"sent"}
    assert sum(m.attempts for m in rows) == 5 + 3


def test_a_message_that_keeps_failing_is_given_up_and_shown_to_admins(app, api, smtp, frozen_clock, client):
    assert api(SPU).get("/api/v1/admin/outbox").status_code == 403
    app.config["CPAS_MAIL_MAX_ATTEMPTS"] = 3
    try:
        open_input_with_immediate_focal_point(api, app)
        smtp.stop()
        for _ in range(3):
            run_job(app, deliver_outbox)
            frozen_clock.advance(hours=7)
        [row] = outbox(app)
        assert row.status == "failed" and row.attempts == 3
        run_job(app, deliver_outbox)
        assert outbox(app)[0].attempts == 3
    finally:
        app.config["CPAS_MAIL_MAX_ATTEMPTS"] = 8
    listed = api("admin@demo.example").get("/api/v1/admin/outbox?status=failed").get_json()
    assert [m["recipient"] for m in listed] == [fp("CIV")] and "refused" in listed[0]["last_error"]
    sign_in(client, "admin@demo.example")
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert fp("CIV") in page and "Retry" in page
    from tests.conftest import csrf_token

    token = csrf_token(client, "/admin/outbox?status=failed")
    assert client.post(f"/admin/outbox/{row.id}/retry", data={"csrf_token": token}).status_code == 302
    smtp.start()
    run_job(app, deliver_outbox)
    assert smtp.inbox.keys() == [row.key]


def test_a_hung_mail_server_times_out_instead_of_blocking(app, api, smtp):
    smtp.stop()
    with socket.socket() as hung:  # accepts connections (backlog) but never says a word
        hung.bind(("127.0.0.1", smtp.port))
        hung.listen(5)
        app.config["CPAS_MAIL_TIMEOUT"] = 1
        open_input_with_immediate_focal_point(api, app)
        run_job(app, deliver_outbox)
    [row] = outbox(app)
    assert row.status == "pending" and "timed out" in row.last_error


def test_without_a_mail_server_messages_are_written_as_eml_files(app, api, tmp_path, monkeypatch):
    monkeypatch.setitem(
        app.config, "CPAS_MAIL_DIR", str(tmp_path / "mail")
    )  # a folder of its own: ids repeat across tests
    open_input_with_immediate_focal_point(api, app)
    run_pass(app)
    [row] = outbox(app)
    assert row.status == "sent"
    files = list(Path(app.config["CPAS_MAIL_DIR"]).glob("*.eml"))
    assert [f.name.startswith(f"{row.id:08d}-") for f in files] == [True]
    content = files[0].read_text()
    assert f"To: {fp('CIV')}" in content and "text/plain" in content and "text/html" in content


def test_e_mails_escape_titles_and_sanitize_markdown_from_users(app, demo):
    from cpas_workflow.accounts.operations import find_user

    recommendation = type("R", (), {"body": "**Act** now <script>alert(1)</script> [x](javascript:alert(2))"})
    task = type("T", (), {"title": "<b>Title</b>", "due": dt.date(2026, 10, 5)})
    with app.app_context():
        enqueue(
            "k:md",
            "followup",
            find_user(SPU),
            "followup",
            subject=("Follow-up: %(title)s", {"title": task.title}),
            task=task,
            recommendation=recommendation,
            mission=type("M", (), {"code": "DEMO"}),
            url="http://cpas.test/x",
            days_left=4,
        )
        db.session.commit()
    [row] = outbox(app)
    assert "<strong>Act</strong>" in row.body_html and "&lt;b&gt;Title&lt;/b&gt;" in row.body_html
    assert "<script" not in row.body_html and "javascript:" not in row.body_html
    assert row.subject == "Follow-up: <b>Title</b>" and "<b>Title</b>" in row.body_text  # plain text stays as typed


def test_a_daily_digest_arrives_by_smtp_with_its_tasks_and_links_in_both_parts(app, api, smtp):
    from tests.notify_helpers import utc

    cycle = start_cycle(api)
    run_pass(app, utc(2026, 10, 2, 6))  # 07:00 in Bangui, the digest hour
    [received] = [r for r in smtp.inbox.received if r.recipients == [SPU]]
    assert received.message["Subject"] == "Your daily cpas-workflow digest, Oct 2, 2026"
    link = f"http://cpas.test/cycles/{cycle['id']}"
    assert "Open component input for 2026-Q4" in received.text and link in received.text
    assert "Open component input for 2026-Q4" in received.html and f'href="{link}"' in received.html
    assert received.message["List-Unsubscribe"].startswith("<http://cpas.test/unsubscribe/")
