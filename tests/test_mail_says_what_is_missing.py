"""A task e-mail says what is owed, how late, and what is still missing when it is sent (the narrative,
the rating, the indicators without a value; the inputs not yet endorsed before a joint review), in the
reader's language and dates, in a layout a phone shows whole; the plain-text part says the same."""

from __future__ import annotations

from cpas_workflow.accounts.operations import find_user, update_preferences
from cpas_workflow.extensions import db
from notifications.reminders import send_reminders
from tests.cycle_helpers import SPU, fire, fp, ok, start_cycle
from tests.framework_helpers import published_framework
from tests.notify_helpers import outbox, run_job, set_notify, utc


def test_an_overdue_reminder_lists_what_the_input_still_lacks_and_forgets_what_was_given(app, api, output_dir):
    published_framework(api)
    set_notify(app, fp("MIL"), "immediate")
    set_notify(app, fp("POL"), "immediate")
    with app.app_context():
        update_preferences(find_user(fp("POL")), language="fr")
        db.session.commit()
    cycle = ok(fire(api, SPU, start_cycle(api, input_due="2026-10-08")["id"], "open_input"))
    mil = next(s for s in cycle["submissions"] if s["component"] == "MIL")
    ok(api(fp("MIL")).put(f"/api/v1/submissions/{mil['id']}", json={"narrative": "Patrols doubled."}))
    run_job(app, send_reminders, utc(2026, 10, 14, 9))  # six days late in Bangui
    [english] = outbox(app, kind="reminder", recipient=fp("MIL"))
    [french] = outbox(app, kind="reminder", recipient=fp("POL"))
    for body in (english.body_text, english.body_html):
        assert "overdue by 6 days" in body and "Due Oct 8, 2026" in body
        assert "Still missing:" in body and "the progress rating" in body
        assert "MIL-1 Incidents recorded" in body and "MIL-2 Patrols conducted" in body
        assert "the narrative" not in body  # given already
        assert "POL-1" not in body
    for body in (french.body_text, french.body_html):
        assert "en retard de 6 jours" in body and "Échéance\u00a0: 8 oct. 2026" in body
        assert "Il manque encore\u00a0:" in body and "le récit" in body and "l’appréciation des progrès" in body
        assert "POL-1 Crimes investigated" in body and "Still missing" not in body
    html = english.body_html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "max-width: 600px" in html and "Open the task" in html
    (output_dir / "mail-reminder-overdue-en.html").write_text(english.body_html)
    (output_dir / "mail-reminder-overdue-fr.html").write_text(french.body_html)
    (output_dir / "mail-reminder-overdue-en.txt").write_text(english.body_text)


def test_the_spu_is_told_which_inputs_are_not_endorsed_yet(app, api):
    set_notify(app, SPU, "immediate")
    cycle = ok(fire(api, SPU, start_cycle(api, input_due="2026-10-08")["id"], "open_input"))
    civ = next(s for s in cycle["submissions"] if s["component"] == "CIV")
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{civ['id']}", json={"narrative": "Done.", "rating": "on_track"}))
    ok(api(fp("CIV")).post(f"/api/v1/submissions/{civ['id']}/transitions", json={"trigger": "submit"}))
    run_job(app, send_reminders, utc(2026, 10, 14, 9))
    spu = next(m for m in outbox(app, kind="reminder", recipient=SPU) if "joint review" in m.subject)
    assert "the CIV input (submitted)" in spu.body_text and "the MIL input (pending)" in spu.body_text
