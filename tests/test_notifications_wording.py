# ruff: noqa: F811  (the smtp fixture is imported)
"""What a reminder says: once the due date has passed it says "overdue" and how late, in the
reader's language, with dates written as the pages write them (not ISO)."""

from __future__ import annotations

from cpas_workflow.accounts.operations import find_user, update_preferences
from cpas_workflow.extensions import db
from notifications.delivery import deliver_outbox
from notifications.reminders import send_reminders
from tests.cycle_helpers import SPU, fire, fp, ok, start_cycle
from tests.notify_helpers import outbox, run_job, set_notify, smtp, utc  # noqa: F401

TITLE = {
    "CIV": "Submit Civilian component input for 2026-Q4",
    "MIL": "Soumettre la contribution «\u00a0Force\u00a0» pour 2026-Q4",
}


def opened_cycle(app, api) -> None:
    for code in ("CIV", "MIL"):
        set_notify(app, fp(code), "immediate")
    with app.app_context():
        update_preferences(find_user(fp("MIL")), language="fr")
        db.session.commit()
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-08")["id"], "open_input"))


def test_a_reminder_after_the_due_date_says_overdue_and_how_late(app, api, smtp, output_dir):
    opened_cycle(app, api)
    run_job(app, send_reminders, utc(2026, 10, 14, 9))  # due 8 Oct in Bangui: 6 days late
    [english] = outbox(app, kind="reminder", recipient=fp("CIV"))
    [french] = outbox(app, kind="reminder", recipient=fp("MIL"))
    assert english.subject == f"Overdue: {TITLE['CIV']}, 6 days late"
    assert french.subject == f"En retard\u00a0: {TITLE['MIL']}, 6 jours de retard"
    for body in (english.body_text, english.body_html):
        assert "Overdue: your task in DEMO is 6 days late." in body and "Due Oct 8, 2026" in body
        assert "reminder" not in body.lower() and "2026-10-08" not in body
    for body in (french.body_text, french.body_html):
        assert (
            "En retard\u00a0: votre tâche dans DEMO a 6 jours de retard." in body
            and "Échéance\u00a0: 8 oct. 2026" in body
        )
        assert "Overdue" not in body and "2026-10-08" not in body
    (output_dir / "reminder-overdue-en.html").write_text(english.body_html)
    (output_dir / "reminder-overdue-fr.html").write_text(french.body_html)
    run_job(app, deliver_outbox, utc(2026, 10, 14, 9))
    received = next(r for r in smtp.inbox.received if r.recipients == [fp("CIV")] and "Overdue" in r.message["Subject"])
    assert received.message["Subject"] == english.subject


def test_a_reminder_before_the_due_date_is_still_a_reminder(app, api):
    opened_cycle(app, api)
    run_job(app, send_reminders, utc(2026, 10, 7, 9))  # the day before
    [english] = outbox(app, kind="reminder", recipient=fp("CIV"))
    [french] = outbox(app, kind="reminder", recipient=fp("MIL"))
    assert english.subject == f"Reminder: {TITLE['CIV']}"
    assert (
        "A reminder about your task in DEMO:" in english.body_text
        and "Due Oct 8, 2026 (due in 1 day)" in english.body_text
    )
    assert "Overdue" not in english.body_text and "Échéance\u00a0: 8 oct. 2026" in french.body_text
