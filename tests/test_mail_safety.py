"""E-mails: headers are built through Flask-Mail's checked API with every value on one line (a title
with CR/LF never becomes a `Bcc:` header), and no image from user Markdown goes out (no tracking pixel)."""

from __future__ import annotations

import datetime as dt
import email
from pathlib import Path

from cpas_workflow.extensions import db
from notifications.outbox import enqueue
from tests.cycle_helpers import SPU
from tests.notify_helpers import outbox, run_pass

TRACKER = "tracker.example"


def _queue_followup(app, title: str, body: str) -> None:
    from cpas_workflow.accounts.operations import find_user

    with app.app_context():
        enqueue(
            "k:safety",
            "followup",
            find_user(SPU),
            "followup",
            subject=("Follow-up: %(title)s", {"title": title}),
            task=type("T", (), {"title": title, "due": dt.date(2026, 10, 5)}),
            recommendation=type("R", (), {"body": body}),
            mission=type("M", (), {"code": "DEMO"}),
            url="http://cpas.test/x",
            days_left=4,
        )
        db.session.commit()


def test_a_title_with_line_breaks_never_adds_a_header_to_the_message(app, demo, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CPAS_MAIL_DIR", str(tmp_path / "mail"))
    _queue_followup(app, "Act\r\nBcc: victim@example.org\r\nX-Injected: yes", "Body.")
    [row] = outbox(app)
    assert "\n" not in row.subject and "\r" not in row.subject
    run_pass(app)
    [row] = outbox(app)
    assert row.status == "sent", row.last_error
    [file] = Path(app.config["CPAS_MAIL_DIR"]).glob("*.eml")
    message = email.message_from_bytes(file.read_bytes())
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message.get_all("To") == [SPU]
    assert message["Subject"] == "Follow-up: Act Bcc: victim@example.org X-Injected: yes"


def test_a_stored_subject_with_a_line_break_is_folded_when_the_message_is_built(app, demo):
    from notifications.delivery import build_message

    _queue_followup(app, "Plain", "Body.")
    with app.app_context():
        [row] = outbox(app)
        row = db.session.get(type(row), row.id)
        row.subject = "Old row\r\nBcc: victim@example.org"  # as a row queued before titles were checked
        built = build_message(row)
        assert built.subject == "Old row Bcc: victim@example.org" and not built.has_bad_headers()
        assert b"\nBcc:" not in built.as_bytes()
        db.session.rollback()


def test_images_in_user_markdown_are_not_sent_only_their_words(app, demo):
    body = (
        f"See ![the incident map](https://{TRACKER}/pixel.png?u=spu) and "
        f'<img src="https://{TRACKER}/raw.gif"> <picture><source srcset="https://{TRACKER}/s.png"></picture> done.'
    )
    _queue_followup(app, "Images", body)
    [row] = outbox(app)
    assert "the incident map" in row.body_html and "done." in row.body_html
    assert "<img" not in row.body_html and TRACKER not in row.body_html
    assert "<source" not in row.body_html


def test_a_display_name_stored_with_line_breaks_does_not_break_the_calendar_feed(app, api, client):
    from icalendar import Calendar
    from sqlalchemy import update

    from cpas_workflow.accounts.models import User

    with app.app_context():  # a name stored before one-line fields were checked
        db.session.execute(update(User).where(User.email == SPU).values(name="Eve\r\nATTENDEE:mailto:x@example.org"))
        db.session.commit()
    url = api(SPU).post("/api/v1/me/calendar").get_json()["url"]
    response = client.get(url.removeprefix("http://cpas.test"))
    assert response.status_code == 200
    feed = Calendar.from_ical(response.data)
    assert str(feed["X-WR-CALNAME"]) == "cpas-workflow: Eve ATTENDEE:mailto:x@example.org"
    assert b"\r\nATTENDEE" not in response.data
