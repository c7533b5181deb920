"""What a planning officer reading mail and calendar in Outlook sees: digest subjects that tell the
days apart, a calendar feed with stable UIDs, escaped titles and only open tasks, links under
CPAS_BASE_URL."""

from __future__ import annotations

from icalendar import Calendar

from notifications.digests import send_digests
from tests.cycle_helpers import LEAD, SPU, cycle_in, fire, head, ok, start_cycle
from tests.notify_helpers import outbox, run_job, set_notify, utc


def update_action(api, email: str, rec_id: int, status: str):
    return ok(api(email).post(f"/api/v1/recommendations/{rec_id}/updates", json={"status": status, "note": "n"}), 201)


def calendar(api, client, email: str) -> Calendar:
    url = ok(api(email).post("/api/v1/me/calendar"), 201)["url"]
    assert url.startswith("http://cpas.test/calendar/")  # CPAS_BASE_URL, not whatever host the request named
    response = client.get(url.removeprefix("http://cpas.test"))
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def test_calendar_events_keep_their_uid_escape_titles_and_closed_tasks_disappear(app, api, client):
    rec = cycle_in(api, "followup")["recommendations"][0]
    first = {str(e["UID"]): e for e in calendar(api, client, head("CIV")).walk("VEVENT")}
    again = {str(e["UID"]): e for e in calendar(api, client, head("CIV")).walk("VEVENT")}
    assert set(first) == set(again) and len(first) == 1
    [uid] = first
    assert uid.endswith("@cpas.test")  # unique to this installation, the same on every fetch
    assert str(first[uid]["SUMMARY"]) == "[DEMO] Follow up: Strengthen early warning"
    assert str(first[uid]["URL"]).startswith("http://cpas.test/missions/DEMO/follow-up#rec-")
    update_action(api, head("CIV"), rec["id"], "done")
    assert calendar(api, client, head("CIV")).walk("VEVENT") == []


def test_calendar_summaries_with_commas_semicolons_and_newlines_survive(app, api, client):
    cycle = cycle_in(api, "joint_review")
    ok(
        api(SPU).post(
            f"/api/v1/cycles/{cycle['id']}/recommendations",
            json={"title": "Radios, phones; and\\ more", "body": "b", "component": "CIV", "due": "2026-12-31"},
        ),
        201,
    )
    ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    for rec in ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["recommendations"]:
        ok(api(LEAD).post(f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}))
    ok(fire(api, LEAD, cycle["id"], "approve"))
    titles = sorted(str(e["SUMMARY"]) for e in calendar(api, client, head("CIV")).walk("VEVENT"))
    assert "[DEMO] Follow up: Radios, phones; and\\ more" in titles


def test_the_settings_page_shows_a_new_calendar_address_once_under_the_base_url(app, api, client):
    from tests.conftest import csrf_token, sign_in

    sign_in(client, SPU)
    made = client.post("/me/calendar", data={"csrf_token": csrf_token(client, "/me/notifications")})
    page = made.get_data(as_text=True)
    assert made.status_code == 200
    assert "http://cpas.test/calendar/" in page and "http://localhost/calendar/" not in page
    again = client.get("/me/notifications").get_data(as_text=True)
    assert "cpas.test/calendar/" not in again and "You have a calendar address" in again


def test_digest_subjects_name_their_day_so_outlook_does_not_thread_them_together(app, api):
    set_notify(app, "lead@demo.example", "weekly")
    start_cycle(api)
    run_job(app, send_digests, utc(2026, 10, 2, 6))
    run_job(app, send_digests, utc(2026, 10, 3, 6))
    subjects = [m.subject for m in outbox(app, kind="digest", recipient=SPU)]
    assert subjects == ["Your daily cpas-workflow digest, Oct 2, 2026", "Your daily cpas-workflow digest, Oct 3, 2026"]
    run_job(app, send_digests, utc(2026, 10, 5, 6))  # Monday 07:00 in Bangui
    [weekly] = outbox(app, kind="digest", recipient="lead@demo.example")
    assert weekly.subject == "Your weekly cpas-workflow digest, week of Oct 5, 2026"


def test_digest_changes_are_timed_on_the_readers_clock(app, api, frozen_clock):
    frozen_clock.set(utc(2026, 10, 1, 14, 30))
    start_cycle(api)  # by the SPU, 15:30 in Bangui
    run_job(app, send_digests, utc(2026, 10, 2, 6))
    [lead] = outbox(app, kind="digest", recipient=LEAD)
    assert "2026-10-01 15:30 WAT" in lead.body_text and "2026-10-01 15:30 WAT" in lead.body_html
    assert "14:30" not in lead.body_text
