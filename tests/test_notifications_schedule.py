"""Time-dependent notifications, driven by the frozen clock: reminder days, the overdue interval,
escalation, follow-up nudges, digest hours across time zones and the weekly digest day."""

from __future__ import annotations

from sqlalchemy import update

from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from notifications.digests import send_digests
from notifications.reminders import send_followups, send_reminders
from tests.conftest import ApiUser
from tests.cycle_helpers import LEAD, SPU, cycle_in, fire, fp, head, ok, start_cycle
from tests.notify_helpers import keys, outbox, run_job, run_pass, set_notify, utc
from tests.workflow_helpers import current_workflows, edited_workflows


def reminder_kinds(app, email: str) -> list[str]:
    return [m.key.split(":")[2] for m in outbox(app, recipient=email, kind="reminder")]


def test_reminders_come_before_the_due_day_on_it_and_every_n_days_while_overdue(app, api, frozen_clock):
    set_notify(app, fp("CIV"), "immediate")
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-15")["id"], "open_input"))  # due 15 Oct, Bangui (UTC+1)
    seen = {}
    for day in range(10, 22):
        run_job(app, send_reminders, utc(2026, 10, day, 9))
        seen[day] = reminder_kinds(app, fp("CIV"))
    assert seen[11] == []
    assert seen[12] == ["before-3"]
    assert seen[13] == ["before-3"]
    assert seen[14] == ["before-3", "before-1"]
    assert seen[15][-1] == "due-today"
    assert seen[16][-1] == "overdue-0" and seen[17] == seen[16]  # every 2 days (the definition says)
    assert seen[18][-1] == "overdue-1" and seen[19] == seen[18]
    assert seen[20][-1] == "overdue-2"
    assert outbox(app, recipient=fp("MIL"), kind="reminder") == []  # daily users get digests instead


def test_the_definitions_reminder_policy_decides_and_settings_fill_what_it_leaves_out(app, api, tmp_path):
    def edit(body):
        body["version"] += 1
        body["reminders"].update(days_before=[5], overdue_every_days=3)
        body["reminders"].pop("escalate_after_days")

    saved_threshold = app.config["CPAS_ESCALATE_AFTER_DAYS"]
    app.config["CPAS_ESCALATE_AFTER_DAYS"] = 1
    try:
        set_notify(app, fp("CIV"), "immediate")
        with current_workflows(app, edited_workflows(tmp_path, component_submission=edit)):
            cycle_id = start_cycle(api, input_due="2026-10-15")["id"]
        ok(fire(api, SPU, cycle_id, "open_input"))
        seen = {}
        for day in (10, 11, 16, 17, 18, 19):
            run_job(app, send_reminders, utc(2026, 10, day, 9))
            seen[day] = reminder_kinds(app, fp("CIV"))
        assert seen[10] == ["before-5"] and seen[11] == ["before-5"]
        assert seen[16][-1] == "overdue-0" and seen[18] == seen[16] and seen[19][-1] == "overdue-1"
        [escalation] = outbox(app, kind="escalation", recipient=head("CIV"))
        assert escalation.created_at == utc(2026, 10, 17, 9)  # 2 days overdue: past the 1-day threshold
    finally:
        app.config["CPAS_ESCALATE_AFTER_DAYS"] = saved_threshold


def test_reminder_days_are_the_missions_local_days(app, api):
    set_notify(app, fp("CIV"), "immediate")
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-15")["id"], "open_input"))
    run_job(app, send_reminders, utc(2026, 10, 11, 22, 59))  # 23:59 on 11 Oct in Bangui
    assert reminder_kinds(app, fp("CIV")) == []
    run_job(app, send_reminders, utc(2026, 10, 11, 23, 1))  # already 12 Oct in Bangui
    assert reminder_kinds(app, fp("CIV")) == ["before-3"]


def test_a_task_overdue_past_the_threshold_is_escalated_once_to_the_component_head(app, api):
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-15")["id"], "open_input"))
    run_job(app, send_reminders, utc(2026, 10, 20, 9))  # 5 days overdue: not yet
    assert outbox(app, kind="escalation") == []
    run_job(app, send_reminders, utc(2026, 10, 21, 9))  # 6 days: past the 5-day threshold
    run_job(app, send_reminders, utc(2026, 10, 22, 9))
    escalated = {m.recipient for m in outbox(app, kind="escalation")}
    assert escalated == {head("CIV"), head("MIL"), head("POL")}
    [civ] = outbox(app, kind="escalation", recipient=head("CIV"))
    assert civ.subject.startswith("Overdue: Submit Civilian component input") and "Cleo Civil" in civ.body_text


def test_the_spus_own_overdue_tasks_escalate_to_the_spu(app, api):
    start_cycle(api)  # draft_plan: "Open component input" is the SPU's, due 7 days after entering
    run_job(app, send_reminders, utc(2026, 10, 14, 9))  # due 8 Oct: 6 days overdue
    assert [m.recipient for m in outbox(app, kind="escalation")] == [SPU]


def test_follow_up_actions_are_nudged_after_a_quiet_month_and_an_update_resets_the_count(
    app, api, client, frozen_clock
):
    cycle = cycle_in(api, "followup")
    rec = cycle["recommendations"][0]
    frozen_clock.advance(days=29)
    run_job(app, send_followups)
    assert outbox(app, kind="followup") == []
    frozen_clock.advance(days=1)
    run_job(app, send_followups)
    run_job(app, send_followups)
    [nudge] = outbox(app, kind="followup")
    assert nudge.recipient == head("CIV") and "community alert networks" in nudge.body_html
    frozen_clock.advance(days=10)
    ok(
        ApiUser(client, head("CIV")).post(
            f"/api/v1/recommendations/{rec['id']}/updates", json={"status": "in_progress", "note": "Started."}
        ),
        201,
    )
    frozen_clock.advance(days=29)
    run_job(app, send_followups)
    assert len(outbox(app, kind="followup")) == 1
    frozen_clock.advance(days=1)
    run_job(app, send_followups)
    assert len(outbox(app, kind="followup")) == 2


def digests(app) -> list[str]:
    return [m.recipient for m in outbox(app, kind="digest")]


def test_daily_digests_go_out_at_the_digest_hour_in_each_missions_time_zone(app, api, frozen_clock):
    with app.app_context():
        db.session.execute(update(Mission).where(Mission.code == "OTHER").values(timezone="Asia/Tokyo"))
        db.session.commit()
    start_cycle(api)  # DEMO, Africa/Bangui (UTC+1)
    ok(
        api("spu@other.example").post(
            "/api/v1/missions/OTHER/cycles",
            json={
                "workflow": "quarterly_assessment",
                "period": "2026-Q4",
                "input_due": "2026-10-15",
                "components": ["CIV"],
            },
        ),
        201,
    )
    run_job(app, send_digests, utc(2026, 10, 1, 21, 59))  # 06:59 in Tokyo
    assert digests(app) == []
    run_job(app, send_digests, utc(2026, 10, 1, 22, 0))  # 07:00 in Tokyo, 23:00 in Bangui
    assert digests(app) == ["spu@other.example"]
    run_job(app, send_digests, utc(2026, 10, 2, 5, 59))
    assert digests(app) == ["spu@other.example"]
    run_job(app, send_digests, utc(2026, 10, 2, 6, 0))  # 07:00 in Bangui
    sent = digests(app)
    assert {SPU, LEAD, fp("CIV"), "viewer@demo.example"} <= set(sent) and "hq@demo.example" not in sent
    assert sent.count("spu@other.example") == 1
    run_job(app, send_digests, utc(2026, 10, 2, 12, 0))
    assert digests(app) == sent
    [spu] = outbox(app, kind="digest", recipient=SPU)
    assert spu.subject == "Your daily cpas-workflow digest, Oct 2, 2026"
    [tokyo] = outbox(app, kind="digest", recipient="spu@other.example")
    assert tokyo.subject == "Your daily cpas-workflow digest, Oct 2, 2026"  # its local day, 07:00 in Tokyo
    assert "Open component input for 2026-Q4" in spu.body_text and "http://cpas.test/cycles/" in spu.body_html
    [lead] = outbox(app, kind="digest", recipient=LEAD)
    assert "What changed" in lead.body_text and "Sam Planner" in lead.body_text


def test_no_digest_when_there_is_nothing_to_say_nor_for_users_who_turned_mail_off(app, api):
    run_job(app, send_digests, utc(2026, 10, 2, 6, 0))
    assert digests(app) == []
    set_notify(app, LEAD, "off")
    start_cycle(api)
    run_job(app, send_digests, utc(2026, 10, 3, 6, 0))
    assert LEAD not in digests(app) and SPU in digests(app)


def test_weekly_digests_go_out_on_the_digest_weekday_only(app, api):
    set_notify(app, LEAD, "weekly")
    start_cycle(api)  # Thursday 1 October
    for at in (utc(2026, 10, 2, 6), utc(2026, 10, 4, 6), utc(2026, 10, 5, 5, 59)):
        run_job(app, send_digests, at)
        assert LEAD not in digests(app)
    run_job(app, send_digests, utc(2026, 10, 5, 6))  # Monday 07:00 in Bangui
    run_job(app, send_digests, utc(2026, 10, 6, 6))
    [weekly] = outbox(app, kind="digest", recipient=LEAD)
    assert weekly.subject == "Your weekly cpas-workflow digest, week of Oct 5, 2026"


def test_a_scheduler_pass_run_twice_sends_nothing_the_second_time(app, api, frozen_clock):
    set_notify(app, fp("CIV"), "immediate")
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-08")["id"], "open_input"))
    at = utc(2026, 10, 16, 6)  # reminders, escalations and digests are all due
    run_pass(app, at)
    first = outbox(app)
    assert {m.kind for m in first} >= {"task_opened", "reminder", "escalation", "digest"}
    assert {m.status for m in first} == {"sent"}
    run_pass(app, at)
    frozen_clock.advance(minutes=5)
    run_pass(app, at.replace(minute=5))
    assert keys(app) == [m.key for m in first]
    assert [m.sent_at for m in outbox(app)] == [m.sent_at for m in first]
