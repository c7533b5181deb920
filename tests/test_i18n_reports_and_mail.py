# ruff: noqa: F811  (the fixtures are imported)
"""French for a French-speaking reader beyond the web pages: the assessment page and its charts,
headquarters' comparison, the PDF report, and e-mails rendered in the recipient's language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from cpas_workflow.accounts.operations import find_user, update_preferences
from cpas_workflow.extensions import db
from notifications.delivery import deliver_outbox
from notifications.digests import send_digests
from tests.cycle_helpers import SPU, fire, fp, ok, start_cycle
from tests.notify_helpers import outbox, run_job, set_notify, smtp, utc  # noqa: F401
from tests.test_framework_reports import SVG, cycles, history, pdf_text  # noqa: F401
from tests.web_helpers import page, signed_in


def speaks_french(app, *emails: str) -> None:
    with app.app_context():
        for email in emails:
            update_preferences(find_user(email), language="fr")
        db.session.commit()


def test_the_assessment_page_and_its_charts_are_french_for_a_french_reader(app, cycles):
    speaks_french(app, "viewer@demo.example")
    html = page(signed_in(app, "viewer@demo.example"), f"/cycles/{cycles['2026-Q3']['id']}/assessment")
    assert '<html lang="fr">' in html
    for phrase in ("En bref", "Appréciations des composantes", "Valeur de référence", "Valeurs par période"):
        assert phrase in html, phrase
    assert "En bonne voie" in html and "cible atteinte" in html and "indicateurs" in html
    assert "Values by period" not in html and "On track" not in html and "target met" not in html
    svgs = [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", html, flags=re.S)]
    chart = next(s for s in svgs if s.find(f"{SVG}title").text.startswith("MIL-1 "))
    texts = {t.text for t in chart.iter(f"{SVG}text")}
    assert {"Période", "valeur de référence", "cible"} <= texts and not {"Period", "baseline", "target"} & texts
    assert chart.find(f"{SVG}desc").text.startswith("MIL-1 ") and "par période." in chart.find(f"{SVG}desc").text
    assert [p.get("data-value") for p in chart.findall(f".//{SVG}circle")] == ["104", "97", "81", "72"]  # same data
    yes_no = [s for s in svgs if {"oui", "non"} <= {t.text for t in s.iter(f"{SVG}text")}]
    assert yes_no and all("yes" not in {t.text for t in s.iter(f"{SVG}text")} for s in yes_no)


def test_headquarters_comparison_is_french_for_a_french_reader(app, cycles):
    speaks_french(app, "hq@demo.example")
    html = page(signed_in(app, "hq@demo.example"), "/hq?period=2026-Q3")
    demo_row = html[html.index("DEMO — Demo Mission") : html.index("OTHER — Other Mission")]
    other_row = html[html.index("OTHER — Other Mission") :]
    assert "Missions côte à côte" in html and "En retard\u00a0?" in html
    assert "Clos" in demo_row and "MIL En bonne voie" in demo_row and "<td>Non</td>" in demo_row
    assert "aucune évaluation lancée (la période 2026-Q3 s&#39;est terminée le 30 sept. 2026)" in other_row
    assert "no assessment started" not in html


def test_the_pdf_report_is_french_for_a_french_reader(app, api, cycles):
    speaks_french(app, "lead@demo.example")
    response = api("lead@demo.example").get(f"/api/v1/cycles/{cycles['2026-Q3']['id']}/report.pdf")
    assert response.status_code == 200
    flat = " ".join(pdf_text(response.data)[1].split())
    for phrase in ("Rapport d'évaluation : Demo Mission (DEMO), 2026", "Valeur de référence", "Période", "Clos"):
        assert phrase in flat, phrase
    assert "Assessment report" not in flat and "Values by period" not in flat
    speaks_french(app, "hq@demo.example")
    response = api("hq@demo.example").get("/api/v1/missions/DEMO/factsheet.pdf?period=2026-Q3")
    pages, text = pdf_text(response.data)
    flat = " ".join(text.split())
    assert pages == 1 and "Demo Mission (DEMO) — fiche de synthèse 2026-Q3" in flat and "En bonne voie" in flat
    assert "Indicateurs clés" in flat and "Headline indicators" not in flat


def test_a_french_users_task_e_mail_is_french_subject_and_body(app, api, smtp):
    set_notify(app, fp("CIV"), "immediate")
    set_notify(app, fp("MIL"), "immediate")
    speaks_french(app, fp("CIV"))
    cycle = start_cycle(api)
    ok(fire(api, SPU, cycle["id"], "open_input"))
    [french] = outbox(app, recipient=fp("CIV"))
    [english] = outbox(app, recipient=fp("MIL"))
    assert (
        french.subject
        == "Nouvelle tâche\u00a0: Soumettre la contribution «\u00a0Civilian component\u00a0» pour 2026-Q4"
    )
    assert english.subject == "New task: Submit Force input for 2026-Q4"
    assert "Soumettre la contribution «\u00a0Civilian component\u00a0» pour 2026-Q4" in french.body_text
    for body in (french.body_text, french.body_html):
        assert "Bonjour " in body and "Une nouvelle tâche vous est confiée dans DEMO" in body
        assert "Échéance\u00a0: 15 oct. 2026" in body and "Se désabonner de tous les courriels" in body
        assert "Hello" not in body and "Due " not in body and "Unsubscribe" not in body
    assert '<html lang="fr">' in french.body_html
    run_job(app, deliver_outbox)
    received = next(r for r in smtp.inbox.received if r.recipients == [fp("CIV")])
    assert received.message["Subject"] == french.subject and "Une nouvelle tâche vous est confiée" in received.text


def test_a_french_users_digest_is_french(app, api):
    speaks_french(app, SPU)
    start_cycle(api)
    run_job(app, send_digests, utc(2026, 10, 2, 6, 0))  # 07:00 in Bangui, the digest hour
    [digest] = outbox(app, kind="digest", recipient=SPU)
    assert digest.subject == "Votre résumé quotidien cpas-workflow, 2 oct. 2026"
    assert "Bonjour " in digest.body_text and "Toutes vos tâches\u00a0:" in digest.body_text
    assert "échéance" in digest.body_text or "en retard de" in digest.body_text


def test_task_titles_are_shown_in_the_readers_language_and_unknown_ones_as_stored(app, api):
    from cpas_workflow.tasks.titles import task_title

    speaks_french(app, fp("CIV"))
    cycle = start_cycle(api)
    ok(fire(api, SPU, cycle["id"], "open_input"))
    html = page(signed_in(app, fp("CIV")), "/")
    assert "Soumettre la contribution «\u00a0Civilian component\u00a0» pour 2026-Q4" in html and "Submit " not in html
    assert "Submit Force input for 2026-Q4" in page(signed_in(app, fp("MIL")), "/")  # English as stored
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert task_title("Open component input for the 2026 mission plan") == (
            "Ouvrir les contributions des composantes au plan de mission 2026"
        )
        assert task_title("Open component input for 2026-Q4") == "Ouvrir les contributions des composantes pour 2026-Q4"
        assert task_title("Follow up: Extend {the} alert networks") == "Suivi\u00a0: Extend {the} alert networks"
        assert task_title("A title from an older definition") == "A title from an older definition"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert task_title("Open component input for 2026-Q4") == "Open component input for 2026-Q4"
