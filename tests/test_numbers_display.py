# ruff: noqa: F811  (the fixtures are imported)
"""Numbers, percentages and dates shown in the reader's language (page, PDF, e-mail), with the
honest status words beside each value; the JSON API keeps JSON numbers."""

from __future__ import annotations

import re

from cpas_workflow.accounts.operations import find_user, update_preferences
from cpas_workflow.extensions import db
from tests.cycle_helpers import SPU, fire, fp, ok, start_cycle
from tests.notify_helpers import outbox, set_notify
from tests.test_framework_reports import cycles, history, pdf_text  # noqa: F401
from tests.web_helpers import page, signed_in

SPACES = re.compile(r"[\u00a0\u202f]")


def speaks(app, email: str, language: str) -> None:
    with app.app_context():
        update_preferences(find_user(email), language=language)
        db.session.commit()


def plain(text: str) -> str:
    return " ".join(SPACES.sub(" ", text).split())


def test_the_assessment_page_shows_numbers_and_words_in_the_readers_language(app, cycles):
    url = f"/cycles/{cycles['2026-Q3']['id']}/assessment"
    english = plain(page(signed_in(app, SPU), url))
    assert "1,210" in english and "52%" in english  # POL-2 and POL-1 of 2026-Q3
    assert "68% of the way to target" in english  # POL-1: 35 → 52 of 60
    assert "↑ 80 officers since 2026-Q2 (better)" in english  # POL-2: 1,130 → 1,210
    assert "improving" not in english
    speaks(app, "viewer@demo.example", "fr")
    french = plain(page(signed_in(app, "viewer@demo.example"), url))
    assert "1 210" in french and "52 %" in french and "1,210" not in french
    assert "68 % du chemin vers la cible" in french and "↑ 80 officers depuis 2026-Q2 (en progrès)" in french
    assert "mieux que la référence" in french or "cible atteinte" in french


def test_an_indicator_that_fell_since_last_quarter_is_shown_falling(app, cycles):
    """CIV-2 fell 61 → 58 % in 2026-Q2 (higher is better), still above its baseline of 50: the page
    says "better than baseline" and, beside it, that it fell, never a green "improving"."""
    html = page(signed_in(app, SPU), f"/cycles/{cycles['2026-Q2']['id']}/assessment")
    block = html[html.index("CIV-2 ") :]
    block = block[: block.index('class="trend"')]
    assert '<span class="status status-better-than-baseline">better than baseline</span>' in block
    assert '<span class="change change-worse">↓ 3 points since 2026-Q1 (worse)</span>' in block
    assert "improving" not in html
    figures = dict(re.findall(r'data-figure="(\w+)">(\d+)<', html))
    assert figures["worse_than_previous"] == "2"  # CIV-2, and MIL-3 (36 → 38 days, lower is better)


def test_the_pdf_report_and_factsheet_print_numbers_in_the_readers_language(app, api, cycles):
    speaks(app, "lead@demo.example", "fr")
    report = api("lead@demo.example").get(f"/api/v1/cycles/{cycles['2026-Q3']['id']}/report.pdf")
    assert report.status_code == 200
    text = plain(pdf_text(report.data)[1])
    assert "1 210" in text and "52 %" in text and "du chemin vers la cible" in text
    assert "1,210" not in text
    factsheet = api("lead@demo.example").get("/api/v1/missions/DEMO/factsheet.pdf?period=2026-Q3")
    text = plain(pdf_text(factsheet.data)[1])
    assert "52 %" in text and "en recul sur la période précédente" in text
    english = plain(pdf_text(api(SPU).get(f"/api/v1/cycles/{cycles['2026-Q3']['id']}/report.pdf").data)[1])
    assert "1,210" in english and "52%" in english


def test_the_api_keeps_json_numbers_whatever_the_callers_language(app, api, cycles):
    speaks(app, SPU, "fr")
    rows = {
        (v["indicator"], v["period"]): v["value"]
        for s in ok(api(SPU).get(f"/api/v1/cycles/{cycles['2026-Q3']['id']}"))["submissions"]
        for v in ok(api(SPU).get(f"/api/v1/submissions/{s['id']}"))["indicator_values"]
    }
    assert rows[("POL-2", "2026-Q3")] == 1210 and rows[("POL-1", "2026-Q3")] == 52


def test_a_task_e_mail_gives_its_due_date_in_the_recipients_language(app, api):
    set_notify(app, fp("CIV"), "immediate")
    set_notify(app, fp("MIL"), "immediate")
    speaks(app, fp("CIV"), "fr")
    cycle = start_cycle(api, input_due="2026-10-15")
    ok(fire(api, SPU, cycle["id"], "open_input"))
    [french] = outbox(app, recipient=fp("CIV"))
    [english] = outbox(app, recipient=fp("MIL"))
    assert "Échéance\u00a0: 15 oct. 2026" in french.body_text and "2026-10-15" not in french.body_text
    assert "Due Oct 15, 2026" in english.body_text
