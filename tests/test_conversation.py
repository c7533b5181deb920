# ruff: noqa: F811  (the smtp fixture is imported)
"""Conversation: threads with replies on submissions, recommendations and cycles; an @mention tells
the person in the application and by e-mail (at once for `immediate` readers, in the digest for the
others) when they can see what is discussed, and refuses the comment naming them when they cannot;
the notification centre lists the news, newest first, a page at a time, and marks it read."""

from __future__ import annotations

import pytest

from notifications.delivery import deliver_outbox
from tests.cycle_helpers import LEAD, SPU, cycle_in, fp, head, ok
from tests.notify_helpers import keys, outbox, run_job, set_notify, smtp  # noqa: F401
from tests.web_helpers import page, post, signed_in


@pytest.fixture
def followup(api):
    return cycle_in(api, "followup")


def comment(api, email, url, body, **extra):
    return api(email).post(url, json={"body": body, **extra})


def test_a_thread_with_replies_on_a_recommendation_reads_back_sanitized(api, followup):
    url = f"/api/v1/recommendations/{followup['recommendations'][0]['id']}/comments"
    first = ok(comment(api, SPU, url, "Is the **budget** agreed? <script>alert(1)</script>"), 201)
    assert first["author"] == SPU and first["parent_id"] is None
    assert "<strong>budget</strong>" in first["body_html"] and "<script" not in first["body_html"]
    reply = ok(comment(api, head("CIV"), url, "Yes, since Monday.", parent_id=first["id"]), 201)
    ok(comment(api, SPU, url, "Thanks.", parent_id=reply["id"]), 201)
    listed = ok(api("viewer@demo.example").get(url))
    assert [(c["body"], c["parent_id"], c["thread_id"]) for c in listed] == [
        (first["body"], None, first["id"]),
        ("Yes, since Monday.", first["id"], first["id"]),
        ("Thanks.", reply["id"], first["id"]),
    ]
    assert [c["body"] for c in ok(api(SPU).get(url + "?limit=1&offset=1"))] == ["Yes, since Monday."]


def test_a_reply_names_a_comment_of_the_same_thread(api, followup):
    cycle_url = f"/api/v1/cycles/{followup['id']}/comments"
    rec_url = f"/api/v1/recommendations/{followup['recommendations'][0]['id']}/comments"
    on_cycle = ok(comment(api, SPU, cycle_url, "Agenda for Thursday."), 201)
    response = comment(api, SPU, rec_url, "Misplaced reply", parent_id=on_cycle["id"])
    assert response.status_code == 422 and "parent_id" in response.get_json()["error"]["fields"]
    assert [c["body"] for c in ok(api(LEAD).get(cycle_url))] == ["Agenda for Thursday."]


def test_a_mention_notifies_in_the_application_and_by_e_mail_at_once(app, api, followup, smtp):
    set_notify(app, LEAD, "immediate")
    url = f"/api/v1/cycles/{followup['id']}/comments"
    posted = ok(comment(api, SPU, url, "@lead@demo.example could you look at the **POL** figures?"), 201)
    centre = ok(api(LEAD).get("/api/v1/me/notifications?unread=1"))
    [item] = [i for i in centre["items"] if i["kind"] == "mention"]
    assert item["kind"] == "mention" and item["read"] is False
    assert "mentioned you" in item["text"] and "DEMO 2026-Q4" in item["text"]
    assert item["url"] == f"/cycles/{followup['id']}/discussion#comment-{posted['id']}"
    run_job(app, deliver_outbox)
    [received] = [r for r in smtp.inbox.received if r.recipients == [LEAD]]
    assert "mentioned you" in received.message["Subject"]
    assert "POL" in received.text and f"http://cpas.test/cycles/{followup['id']}/discussion" in received.text
    # a rerun of the producer's key adds nothing: the notice and the message exist once
    assert keys(app).count(f"mention:comment-{posted['id']}:user-{item_user(app, LEAD)}") == 1


def item_user(app, email):
    from sqlalchemy import select

    from cpas_workflow.accounts.models import User
    from cpas_workflow.extensions import db

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_a_mention_of_someone_who_cannot_see_the_object_is_refused_naming_them(api, followup):
    url = f"/api/v1/recommendations/{followup['recommendations'][0]['id']}/comments"
    response = comment(api, SPU, url, "cc @spu@other.example and @nobody@nowhere.example, fyi @lead@demo.example")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "@spu@other.example" in error["message"] and "@nobody@nowhere.example" in error["message"]
    assert "lead@demo.example" not in error["message"]
    assert ok(api(SPU).get(url)) == []
    assert [i for i in ok(api(LEAD).get("/api/v1/me/notifications"))["items"] if i["kind"] == "mention"] == []


def test_a_reply_tells_the_author_of_the_comment_replied_to_and_daily_readers_wait_for_mail(app, api, followup):
    sid = followup["submissions"][0]["id"]
    url = f"/api/v1/submissions/{sid}/comments"
    first = ok(comment(api, fp("CIV"), url, "Figures attached."), 201)
    ok(comment(api, SPU, url, "Which source?", parent_id=first["id"]), 201)
    [item] = [i for i in ok(api(fp("CIV")).get("/api/v1/me/notifications"))["items"] if i["kind"] == "reply"]
    assert item["kind"] == "reply" and "replied to your comment" in item["text"]
    assert [k for k in keys(app) if k.startswith(("reply", "mention"))] == []  # daily: the digest tells them


def test_only_people_taking_part_comment_and_other_missions_see_nothing(api, followup):
    url = f"/api/v1/cycles/{followup['id']}/comments"
    assert comment(api, "viewer@demo.example", url, "A view.").status_code == 403
    assert comment(api, "spu@other.example", url, "Hello").status_code == 404
    assert api("spu@other.example").get(url).status_code == 404


def test_the_notification_centre_pages_newest_first_and_marks_read(api, followup):
    url = f"/api/v1/cycles/{followup['id']}/comments"
    assert api(LEAD).post("/api/v1/me/notifications/read", json={"all": True}).status_code == 204  # the tasks so far
    for n in range(3):
        ok(comment(api, SPU, url, f"@lead@demo.example point {n}"), 201)
    items = ok(api(LEAD).get("/api/v1/me/notifications?unread=1&limit=2"))["items"]
    assert [i["id"] for i in items] == sorted((i["id"] for i in items), reverse=True) and len(items) == 2
    older = ok(api(LEAD).get("/api/v1/me/notifications?unread=1&limit=2&offset=2"))["items"]
    assert len(older) == 1 and older[0]["id"] < items[-1]["id"]
    assert api(SPU).post("/api/v1/me/notifications/read", json={"ids": [items[0]["id"]]}).status_code == 204
    assert ok(api(LEAD).get("/api/v1/me/notifications"))["unread"] == 3  # someone else's id changes nothing
    assert api(LEAD).post("/api/v1/me/notifications/read", json={"ids": [items[0]["id"]]}).status_code == 204
    assert ok(api(LEAD).get("/api/v1/me/notifications"))["unread"] == 2
    assert api(LEAD).post("/api/v1/me/notifications/read", json={"all": True}).status_code == 204
    assert ok(api(LEAD).get("/api/v1/me/notifications"))["unread"] == 0
    assert api(LEAD).post("/api/v1/me/notifications/read", json={}).status_code == 400


def test_the_pages_show_threads_with_reply_forms_and_the_unread_count(app, api, followup):
    rid = followup["recommendations"][0]["id"]
    spu = signed_in(app, SPU)
    post(spu, f"/recommendations/{rid}/comments", {"body": "Ask @lead@demo.example please."})
    html = page(spu, f"/recommendations/{rid}")
    assert "Ask" in html and 'name="parent_id"' in html
    lead = signed_in(app, LEAD)
    html = page(lead, "/")
    assert 'class="unread"' in html
    html = page(lead, "/notifications")
    assert "mentioned you" in html
    notice_id = ok(api(LEAD).get("/api/v1/me/notifications"))["items"][0]["id"]  # the mention, newest
    unread = ok(api(LEAD).get("/api/v1/me/notifications"))["unread"]
    assert lead.get(f"/notifications/{notice_id}/open").headers["Location"].startswith(f"/recommendations/{rid}")
    assert ok(api(LEAD).get("/api/v1/me/notifications"))["unread"] == unread - 1
    assert spu.get(f"/notifications/{notice_id}/open").status_code == 404  # someone else's notice
    post(lead, "/notifications/read", {"all": "1"})
    assert 'class="unread"' not in page(lead, "/")
    post(spu, f"/cycles/{followup['id']}/comments", {"body": "Cycle-wide note."})
    assert "Cycle-wide note." in page(lead, f"/cycles/{followup['id']}/discussion")


def test_daily_readers_find_mentions_and_replies_in_their_digest(app, api, followup, smtp):
    from tests.notify_helpers import run_pass, utc

    ok(comment(api, SPU, f"/api/v1/cycles/{followup['id']}/comments", "@civ.head@demo.example the POL figures?"), 201)
    run_pass(app, utc(2026, 10, 2, 6))  # 07:00 in Bangui, the digest hour
    [digest] = [r for r in smtp.inbox.received if r.recipients == [head("CIV")]]
    assert "digest" in digest.message["Subject"]
    assert "mentioned you in a comment" in digest.text
    assert f"http://cpas.test/cycles/{followup['id']}/discussion#comment-" in digest.text


def test_tasks_returns_and_decisions_on_ones_input_are_in_the_notification_centre(app, api):
    from tests.cycle_helpers import fire_submission

    cycle = cycle_in(api, "component_input")
    kinds = [(i["kind"], i["text"]) for i in ok(api(fp("CIV")).get("/api/v1/me/notifications"))["items"]]
    assert (
        kinds
        and kinds[0][0] == "task_opened"
        and kinds[0][1].startswith("New task for you")
        and "2026-Q4" in kinds[0][1]
    )
    assert ok(api(SPU).get("/api/v1/me/notifications"))["items"] == []  # the SPU opened them: no news to them
    civ = next(s for s in cycle["submissions"] if s["component"] == "CIV")
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{civ['id']}", json={"narrative": "n", "rating": "on_track"}))
    ok(fire_submission(api, fp("CIV"), civ["id"], "submit"))
    ok(fire_submission(api, head("CIV"), civ["id"], "return", comment="Add the figures."))
    returned = ok(api(fp("CIV")).get("/api/v1/me/notifications"))["items"]
    assert any(i["kind"] == "returned" and "returned CIV input" in i["text"] for i in returned)
    review = cycle_in(api, "leadership_signoff", period="2027-Q1")
    rid = review["recommendations"][0]["id"]
    ok(api(LEAD).post(f"/api/v1/recommendations/{rid}/decision", json={"decision": "approve"}))
    [decided] = [i for i in ok(api(SPU).get("/api/v1/me/notifications"))["items"] if i["kind"] == "decision"]
    assert "Strengthen early warning" in decided["text"] and "Approved" in decided["text"]
    assert decided["url"] == f"/recommendations/{rid}"
