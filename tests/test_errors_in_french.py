"""Rule and validation errors are written where the rule is, in English, and read in the reader's
language: a French focal point sees French refusals on the page, an API caller gets the language of
Accept-Language (English by default, with API.md's error shape), the unsubscribe page speaks its
owner's language, and a refused framework import names rows and columns in French."""

from __future__ import annotations

import io

from cpas_workflow.accounts.operations import find_user, update_preferences
from cpas_workflow.extensions import db
from tests.browser.pages import ENGLISH_RULES
from tests.cycle_helpers import SPU, cycle_in, fp
from tests.framework_helpers import GOOD_ROWS, csv_bytes, planning_cycle
from tests.web_helpers import page, post, post_then_get, signed_in


def speaks_french(app, *emails: str) -> None:
    with app.app_context():
        for email in emails:
            update_preferences(find_user(email), language="fr")
        db.session.commit()


def test_a_french_focal_point_reads_the_refusal_of_a_submit_in_french(app, api):
    cycle = cycle_in(api, "component_input")
    submission = cycle["submissions"][0]
    speaks_french(app, fp(submission["component"]))
    client = signed_in(app, fp(submission["component"]))
    url = f"/submissions/{submission['id']}"
    html = post_then_get(client, url, {"narrative": "Patrouilles doublées.", "rating": "", "action": "submit"})
    assert "choisissez une appréciation des progrès" in html
    assert ENGLISH_RULES.findall(html) == [] and "before submitting" not in html
    assert "Patrouilles doublées." in html  # what was typed is kept


def test_a_french_spu_reads_a_guard_refusal_with_states_in_french_words(app, api):
    cycle = cycle_in(api, "component_input")
    speaks_french(app, SPU)
    client = signed_in(app, SPU)
    html = post(client, f"/cycles/{cycle['id']}/transitions", {"trigger": "start_review"}, status=422)
    assert "En attente de la contribution validée de" in html and "(en attente)" in html
    assert "(pending)" not in html and ENGLISH_RULES.findall(html) == []


def test_the_api_answers_in_english_by_default_and_in_french_when_asked(api, client):
    cycle = cycle_in(api, "component_input")
    url = f"/api/v1/cycles/{cycle['id']}/transitions"
    english = api(SPU).post(url, json={"trigger": "start_review"})
    assert english.status_code == 422
    error = english.get_json()["error"]
    assert error["code"] == "rule_refused" and error["message"].startswith("Waiting for endorsed input from")
    french = client.post(url, json={"trigger": "start_review"}, headers={**api(SPU).headers, "Accept-Language": "fr"})
    assert french.status_code == 422
    assert french.get_json()["error"]["message"].startswith("En attente de la contribution validée de")
    missing = api(SPU).post(f"/api/v1/cycles/{cycle['id']}/recommendations", json={"title": "x"})
    assert missing.status_code in (400, 409, 422) and set(missing.get_json()["error"]) >= {"code", "message"}


def test_the_unsubscribe_page_speaks_the_language_of_the_address_owner(app, api, client):
    from notifications.outbox import unsubscribe_token

    speaks_french(app, fp("CIV"))
    with app.app_context():
        token = unsubscribe_token(find_user(fp("CIV")))
    html = client.get(f"/unsubscribe/{token}", headers={"Accept-Language": "en-GB,en"}).get_data(as_text=True)
    assert '<html lang="fr">' in html and "Se désabonner" in html
    done = client.post(f"/unsubscribe/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in done and "Unsubscribe" not in done


def test_a_refused_framework_import_names_rows_and_columns_in_french(app, api):
    planning_cycle(api)
    speaks_french(app, SPU)
    rows = [dict(GOOD_ROWS[0]), {**GOOD_ROWS[1], "parent": "NOPE"}, {**GOOD_ROWS[2], "kind": "gauge"}]
    client = signed_in(app, SPU)
    from tests.web_helpers import token

    response = client.post(
        "/missions/DEMO/framework/import",
        data={
            "file": (io.BytesIO(csv_bytes(rows)), "framework.csv"),
            "csrf_token": token(client, "/missions/DEMO/framework"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    if response.status_code == 302:
        html = page(client, response.headers["Location"])
    assert "ligne 3, colonne parent" in html and "aucune ligne n’a le code NOPE" in html
    assert "doit être l’une des valeurs" in html
    assert "row 3" not in html and ENGLISH_RULES.findall(html) == []


def test_system_made_titles_and_audit_comments_are_in_the_readers_language(app, api):
    cycle = cycle_in(api, "component_input")
    english = page(signed_in(app, "viewer@demo.example"), f"/cycles/{cycle['id']}")
    assert "DEMO 2026-Q4 quarterly performance assessment" in english
    speaks_french(app, SPU, "admin@demo.example")
    html = page(signed_in(app, SPU), f"/cycles/{cycle['id']}")
    assert "DEMO 2026-Q4 évaluation trimestrielle de la performance" in html
    assert "quarterly performance assessment" not in html
    audit = page(signed_in(app, "admin@demo.example"), "/admin/audit?mission=DEMO")
    # the admin's log reads a system-written comment as the cycle's trail does: one reading, in words
    taking_part = "Participent : Civilian component, Force, Police (UNPOL)"
    assert taking_part in html and taking_part in audit and "components:" not in audit


def test_a_notice_of_input_endorsed_reads_in_the_readers_language(app, api):
    cycle_in(api, "joint_review")  # every input endorsed: each focal point is told
    speaks_french(app, fp("CIV"))
    html = page(signed_in(app, fp("CIV")), "/notifications")
    assert "sur contribution de CIV, DEMO 2026-Q4 évaluation trimestrielle de la performance : Validée" in html
    assert "CIV input" not in html and "quarterly performance assessment" not in html
    english = page(signed_in(app, fp("MIL")), "/notifications")
    assert "decided on MIL input, DEMO 2026-Q4 quarterly performance assessment: Endorsed" in english


def test_the_mission_timeline_names_cycles_in_the_readers_language_and_recommendations_by_title(app, api):
    cycle_in(api, "followup")
    speaks_french(app, SPU)
    html = page(signed_in(app, SPU), "/missions/DEMO")
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "DEMO 2026-Q4 évaluation trimestrielle de la performance" in timeline
    assert "quarterly performance assessment" not in timeline
    assert "Strengthen early warning" in timeline and "une recommandation" not in timeline
