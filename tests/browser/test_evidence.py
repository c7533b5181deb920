"""Evidence and conversation in a real browser: a focal point attaches a file (and a disguised program
is turned away), the SPU mentions leadership in a comment, leadership sees the unread count, opens the
notification, replies and downloads the file; at desktop width, on a 390 px phone, and in French."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_whole_cycle import Person
from tests.cycle_helpers import LEAD, SPU, cycle_in, fp

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _fits(person: Person, width: int) -> None:
    assert person.page.evaluate("document.documentElement.scrollWidth") <= width, person.page.url


def test_a_file_is_attached_a_mention_is_noticed_answered_and_the_file_downloaded(
    browser, live_server, api, screenshots, tmp_path
):
    cycle = cycle_in(api, "component_input")
    sid = next(s["id"] for s in cycle["submissions"] if s["component"] == "CIV")
    report, program = tmp_path / "Rapport de terrain T4.pdf", tmp_path / "budget.pdf"
    report.write_bytes(PDF)
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)

    focal = Person(browser, live_server, fp("CIV"), screenshots)
    focal.goto(f"/submissions/{sid}")
    focal.page.get_by_label("Attach a file").set_input_files(str(report))
    focal.click("Attach")
    focal.expect_flash("is attached")
    row = focal.page.locator("table.files tbody tr").first
    assert "Rapport de terrain T4.pdf" in row.inner_text()
    focal.page.get_by_label("Attach a file").set_input_files(str(program))
    focal.click("Attach")
    focal.expect_flash("not attached")
    assert focal.page.locator("table.files tbody tr").count() == 1
    focal.shot("evidence-submission-desktop")

    spu = Person(browser, live_server, SPU, screenshots)
    spu.goto(f"/submissions/{sid}")
    spu.page.get_by_label("Your comment").fill("@lead@demo.example the **field report** is attached.")
    spu.click("Add the comment")
    spu.expect_flash("Comment added to the CIV input")
    spu.page.get_by_label("Your comment").fill("Ask @spu@other.example too")
    spu.click("Add the comment")
    assert "cannot see this" in spu.page.locator("section.comments .error").first.inner_text()
    assert spu.page.get_by_label("Your comment").input_value() == "Ask @spu@other.example too"  # nothing lost

    lead = Person(browser, live_server, LEAD, screenshots)
    badge = lead.page.locator("header.top .unread")
    assert badge.inner_text() == "1"  # the mention (leadership has no task yet)
    lead.page.get_by_role("link", name=re.compile("^Notifications")).click()
    lead.shot("evidence-notifications-desktop")
    lead.page.get_by_role("link", name=re.compile("mentioned you")).click()
    assert "field report" in lead.page.locator(f"#comments-s{sid}").inner_text()
    lead.page.locator("details.reply summary").first.click()
    lead.page.get_by_label(re.compile("Your reply to")).first.fill("Thank you, read it.")
    lead.page.locator("details.reply[open] button").first.click()
    lead.expect_flash("Comment added to the CIV input")
    assert "Thank you, read it." in lead.page.locator("ol.replies").first.inner_text()
    with lead.page.expect_download() as download:
        lead.page.get_by_role("link", name="Rapport de terrain T4.pdf").click()
    assert download.value.suggested_filename == "Rapport de terrain T4.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    lead.shot("evidence-thread-desktop")

    for person, path, name in ((focal, f"/submissions/{sid}", "submission"), (lead, "/notifications", "notifications")):
        person.page.set_viewport_size({"width": 390, "height": 844})
        person.goto(path)
        _fits(person, 390)
        person.shot(f"evidence-{name}-390")

    spu_token = api(SPU)
    assert spu_token.put("/api/v1/me/preferences", json={"notify": "daily", "language": "fr"}).status_code == 200
    spu.page.set_viewport_size({"width": 1200, "height": 900})
    spu.goto(f"/submissions/{sid}")
    assert "Pièces justificatives" in spu.page.content()
    spu.shot("evidence-submission-fr")
    spu.goto(f"/cycles/{cycle['id']}/discussion")
    spu.page.get_by_label("Votre commentaire").fill("Réunion jeudi, @lead@demo.example.")
    spu.click("Ajouter le commentaire")
    spu.expect_flash("Votre commentaire est ajouté")
    spu.shot("evidence-discussion-fr")
    spu.page.set_viewport_size({"width": 390, "height": 844})
    spu.goto(f"/cycles/{cycle['id']}/discussion")
    _fits(spu, 390)
    spu.shot("evidence-discussion-fr-390")
