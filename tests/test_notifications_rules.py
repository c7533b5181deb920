# ruff: noqa: F811  (the smtp fixture is imported)
"""Who is told what: a preference changed after a message was queued holds when it is sent, a
reopened follow-up action is announced like any task, and nobody is told of a task their own action
opened."""

from __future__ import annotations

from notifications.delivery import deliver_outbox
from notifications.reminders import send_reminders
from tests.cycle_helpers import SPU, cycle_in, fire, fire_submission, fp, head, ok, start_cycle
from tests.notify_helpers import keys, outbox, run_job, run_pass, set_notify, smtp, utc  # noqa: F401


def update_action(api, email: str, rec_id: int, status: str):
    return ok(api(email).post(f"/api/v1/recommendations/{rec_id}/updates", json={"status": status, "note": "n"}), 201)


# 1. A preference changed after queueing holds at send time


def test_a_message_queued_before_the_user_turned_mail_off_is_skipped_not_sent(app, api, smtp):
    set_notify(app, fp("CIV"), "immediate")
    set_notify(app, fp("POL"), "immediate")
    ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))
    assert sorted(m.recipient for m in outbox(app)) == [fp("CIV"), fp("POL")]
    set_notify(app, fp("CIV"), "off")
    run_job(app, deliver_outbox)
    assert [r.recipients for r in smtp.inbox.received] == [[fp("POL")]]
    [skipped] = outbox(app, recipient=fp("CIV"))
    assert skipped.status == "skipped" and skipped.sent_at is None
    assert "turned e-mail off" in skipped.last_error
    run_job(app, deliver_outbox)  # not picked up again, not retried
    assert len(smtp.inbox.received) == 1 and outbox(app, recipient=fp("CIV"))[0].status == "skipped"


def test_unsubscribing_through_the_link_stops_what_is_already_queued(app, api, smtp, client):
    set_notify(app, fp("CIV"), "immediate")
    ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))
    [queued] = outbox(app)
    assert client.post(queued.unsubscribe_url.removeprefix("http://cpas.test")).status_code == 200
    run_job(app, deliver_outbox)
    assert smtp.inbox.received == [] and outbox(app)[0].status == "skipped"


def test_escalations_too_are_skipped_once_the_head_turned_mail_off(app, api, smtp):
    """No kind of message overrides "off": escalations are not queued for such users either."""
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-08")["id"], "open_input"))
    run_job(app, send_reminders, utc(2026, 10, 14, 9))  # input due 8 Oct: 6 days overdue
    escalations = outbox(app, kind="escalation")
    assert head("CIV") in [m.recipient for m in escalations]
    set_notify(app, head("CIV"), "off")
    run_job(app, deliver_outbox, utc(2026, 10, 14, 9))
    assert head("CIV") not in [to for r in smtp.inbox.received for to in r.recipients]
    assert {m.status for m in outbox(app, kind="escalation", recipient=head("CIV"))} == {"skipped"}
    assert {m.status for m in outbox(app, kind="escalation") if m.recipient != head("CIV")} <= {"sent"}


def test_a_digest_queued_for_a_user_later_disabled_is_skipped(app, api, smtp):
    from sqlalchemy import update

    from cpas_workflow.accounts.models import User
    from cpas_workflow.extensions import db

    start_cycle(api)
    from notifications.digests import send_digests

    run_job(app, send_digests, utc(2026, 10, 2, 6))
    assert SPU in [m.recipient for m in outbox(app, kind="digest")]
    with app.app_context():
        db.session.execute(update(User).where(User.email == SPU).values(is_enabled=False))
        db.session.commit()
    run_job(app, deliver_outbox, utc(2026, 10, 2, 6))
    [digest] = outbox(app, kind="digest", recipient=SPU)
    assert digest.status == "skipped" and "disabled" in digest.last_error
    assert SPU not in [to for r in smtp.inbox.received for to in r.recipients]


def test_admins_can_list_skipped_messages(app, api):
    set_notify(app, fp("CIV"), "immediate")
    ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))
    set_notify(app, fp("CIV"), "off")
    run_job(app, deliver_outbox)
    listed = ok(api("admin@demo.example").get("/api/v1/admin/outbox?status=skipped"))
    assert [m["recipient"] for m in listed] == [fp("CIV")]
    assert ok(api("admin@demo.example").get("/api/v1/admin/outbox")) == []  # not among those still to send


# 2. A reopened follow-up action is announced like any other task


def test_an_action_reopened_by_the_spu_is_announced_to_its_owner(app, api):
    set_notify(app, head("CIV"), "immediate")
    rec = cycle_in(api, "followup")["recommendations"][0]
    update_action(api, head("CIV"), rec["id"], "done")
    before = keys(app, recipient=head("CIV"), kind="task_opened")
    update_action(api, SPU, rec["id"], "in_progress")
    new = [m for m in outbox(app, recipient=head("CIV"), kind="task_opened") if m.key not in before]
    assert [m.subject for m in new] == ["New task: Follow up: Strengthen early warning"]
    [task] = ok(api(head("CIV")).get("/api/v1/tasks"))
    assert task["due"] == "2026-12-31"


# 3. Nobody is told of a task their own action opened


def test_the_spu_is_not_mailed_about_tasks_their_own_transitions_open(app, api):
    set_notify(app, SPU, "immediate")
    cycle = start_cycle(api)  # "Open component input" is the SPU's
    ok(fire(api, SPU, cycle["id"], "open_input"))  # "Start the joint review" is the SPU's
    assert outbox(app, recipient=SPU) == []
    assert [t["title"] for t in ok(api(SPU).get("/api/v1/tasks"))][:1] == ["Start the joint review of 2026-Q4"]


def test_others_holding_the_same_role_are_still_told(app, api):
    set_notify(app, fp("CIV"), "immediate")
    set_notify(app, head("CIV"), "immediate")
    cycle = ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))
    civ = next(s for s in cycle["submissions"] if s["component"] == "CIV")
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{civ['id']}", json={"narrative": "Done.", "rating": "on_track"}))
    ok(fire_submission(api, fp("CIV"), civ["id"], "submit"))  # the head's endorse task: the head is told
    assert "New task: Endorse Civilian component input for 2026-Q4" in [
        m.subject for m in outbox(app, recipient=head("CIV"))
    ]
    ok(fire_submission(api, head("CIV"), civ["id"], "return", comment="More detail."))
    revise = [m for m in outbox(app, recipient=fp("CIV")) if "Revise" in m.subject]
    assert len(revise) == 1  # the focal point is told; the head who returned it had no task to hear of


def test_an_owner_reopening_their_own_action_is_not_mailed(app, api):
    set_notify(app, head("CIV"), "immediate")
    rec = cycle_in(api, "followup")["recommendations"][0]
    update_action(api, head("CIV"), rec["id"], "done")
    before = keys(app, recipient=head("CIV"))
    update_action(api, head("CIV"), rec["id"], "in_progress")
    assert keys(app, recipient=head("CIV")) == before
    assert len(ok(api(head("CIV")).get("/api/v1/tasks"))) == 1
