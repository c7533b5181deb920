"""The focal point's submission page in Chromium: one form for the whole input, nothing typed lost
(following any link and coming back, a refused submit), every problem shown at once; the returned
input says why; the head endorses seeing the values. At desktop width, on a 390 px phone, in French."""

from __future__ import annotations

import pytest

from cpas_workflow.extensions import db
from tests.browser.test_whole_cycle import Person
from tests.cycle_helpers import SPU, fire, fire_submission, fp, head, ok, start_cycle

pytestmark = pytest.mark.browser

NARRATIVE = "## MIL progress\n\nLong-range patrols **doubled** in the east."
VIEWS = {  # name: (viewport width, language)
    "desktop": (1200, "en"),
    "phone": (390, "en"),
    "french": (1200, "fr"),
}
FRENCH = {  # what the page says in French, where the English words would betray an untranslated message
    "summary": "Enregistré comme brouillon, non soumis\u00a0: 3 problèmes à corriger",
    "rating": "Avant de soumettre, choisissez une appréciation des progrès.",
}


@pytest.fixture
def mil_input(app, api):
    """A quarter under way over the demo's history (a published framework, four closed quarters):
    the MIL input (four indicators) waiting for its focal point."""
    from cpas_workflow import demo_history
    from cpas_workflow.missions.models import Mission

    with app.app_context():
        demo_history.load(db.session.scalar(db.select(Mission).where(Mission.code == "DEMO")))
        db.session.commit()
        db.session.remove()
    cycle = start_cycle(api, period="2026-Q4", input_due="2026-10-15")
    ok(fire(api, SPU, cycle["id"], "open_input"))
    return next(s["id"] for s in cycle["submissions"] if s["component"] == "MIL")


def _person(browser, live_server, api, email: str, screenshots, view: str) -> Person:
    width, language = VIEWS[view]
    if language != "en":
        ok(api(email).put("/api/v1/me/preferences", json={"language": language}))
    person = (
        Person(browser, live_server, email, screenshots)
        if language == "en"
        else _french(browser, live_server, email, screenshots)
    )
    person.page.set_viewport_size({"width": width, "height": 900})
    person.context.set_default_timeout(30000)  # a loaded machine (two cores, a whole team's tests) is slow
    return person


def _french(browser, live_server, email: str, screenshots) -> Person:
    """Person signs in with English labels; the French reader's sign-in page is French."""
    from tests.conftest import PASSWORD

    person = Person.__new__(Person)
    person.context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="fr-FR")
    person.context.set_default_timeout(5000)
    person.page = person.context.new_page()
    person.base, person.email, person.shots = live_server, email, screenshots
    person.page.goto(f"{live_server}/sign-in")
    person.page.locator('input[name="email"]').fill(email)
    person.page.locator('input[name="password"]').fill(PASSWORD)
    person.page.locator('form button[type="submit"]').last.click()
    person.page.wait_for_load_state()
    return person


def _no_sideways_scroll(person: Person) -> None:
    width = person.page.viewport_size["width"]
    assert person.page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_narrative_typed_survives_following_every_link_on_the_page_and_coming_back(
    browser, live_server, api, mil_input, screenshots
):
    fp_mil = _person(browser, live_server, api, fp("MIL"), screenshots, "desktop")
    url = f"/submissions/{mil_input}"
    fp_mil.goto(url)
    fp_mil.page.get_by_label("Narrative").fill(NARRATIVE)
    fp_mil.page.locator("#value-MIL-2").fill("75")
    links = fp_mil.page.eval_on_selector_all(
        "a[href]", "els => els.map(e => e.getAttribute('href')).filter(h => !h.startsWith('#'))"
    )
    assert len(links) >= 6, links  # the header, the crumbs, the audit trail
    for href in dict.fromkeys(links):
        fp_mil.page.locator(f'a[href="{href}"]').first.click()
        fp_mil.page.wait_for_load_state()
        assert fp_mil.page.url.split("#")[0] != live_server + url, href  # it did leave the page
        fp_mil.goto(url)  # a new visit, not the browser's page cache
        assert fp_mil.page.get_by_label("Narrative").input_value() == NARRATIVE, href
        assert fp_mil.page.locator("#value-MIL-2").input_value() == "75", href
        assert fp_mil.page.locator(".draft-restored").is_visible()
    fp_mil.shot("submission-draft-restored")
    fp_mil.page.get_by_label("Progress rating").select_option("on_track")
    fp_mil.click("Save draft")
    fp_mil.expect_flash("Draft saved.")
    fp_mil.goto(url)  # once the server holds it, the browser's copy is gone: nothing to restore
    assert not fp_mil.page.locator(".draft-restored").is_visible()
    assert fp_mil.page.get_by_label("Narrative").input_value() == NARRATIVE
    assert fp_mil.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cpas-draft:')).length") == 0
    fp_mil.context.close()


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_submit_with_three_problems_shows_the_three_at_once_and_keeps_the_draft(
    browser, live_server, api, mil_input, screenshots, view
):
    person = _person(browser, live_server, api, fp("MIL"), screenshots, view)
    url = f"/submissions/{mil_input}"
    person.goto(url)
    _no_sideways_scroll(person)
    person.shot(f"submission-form-{view}")
    person.page.locator("#narrative").fill(NARRATIVE)
    unreadable = "1.500" if view == "french" else "lots"  # French: 1,5 or 1500? never guessed
    person.page.locator("#value-MIL-1").fill(unreadable)
    person.page.locator("#value-MIL-2").fill("-5")  # a count below zero
    person.page.locator("#value-MIL-3").fill("30")
    person.page.locator("#value-MIL-4").fill("8")
    person.page.locator('button[value="submit"]').click()
    person.page.wait_for_load_state()
    assert "?kept=1" in person.page.url
    summary = person.page.locator("#error-summary")
    assert summary.locator("li").count() == 3
    assert person.page.evaluate("document.activeElement.id") == "error-summary"  # focus on the problems
    assert summary.bounding_box()["y"] < 900  # in view
    assert [summary.locator("li a").nth(n).get_attribute("href") for n in range(3)] == [
        "#rating",
        "#value-MIL-1",
        "#value-MIL-2",
    ]
    for box in ("rating", "value-MIL-1", "value-MIL-2"):
        assert person.page.locator(f"#{box}").get_attribute("aria-invalid") == "true"
        assert person.page.locator(f"#{box}-error").is_visible()
    assert person.page.locator("#narrative").input_value() == NARRATIVE  # the draft is kept
    assert person.page.locator("#value-MIL-1").input_value() == unreadable  # as typed, not reinterpreted
    assert person.page.locator("#value-MIL-3").input_value() == "30"
    if view == "french":
        text = summary.inner_text()
        assert FRENCH["summary"] in text and FRENCH["rating"] in text
        assert "choose a progress rating" not in person.page.content()
    _no_sideways_scroll(person)
    person.shot(f"submission-three-errors-{view}")
    summary.locator("li a").nth(1).click()  # each item leads to its field
    assert person.page.evaluate("document.activeElement.id") == "value-MIL-1"
    person.page.reload()  # a reload shows the page again; it never sends the form again
    assert person.page.locator("#error-summary li").count() == 3
    stored = ok(api(fp("MIL")).get(f"/api/v1/submissions/{mil_input}"))
    assert stored["state"] == "pending" and stored["narrative"] == NARRATIVE
    assert {v["indicator"]: v["value"] for v in stored["indicator_values"]} == {"MIL-3": 30, "MIL-4": 8}
    person.context.close()


def test_the_returned_input_says_why_and_the_head_endorses_seeing_the_values(
    browser, live_server, api, mil_input, screenshots
):
    values = [
        {"indicator": "MIL-1", "value": 70, "note": "Force incident log"},
        {"indicator": "MIL-2", "value": 75},
        {"indicator": "MIL-3", "value": None, "no_data_reason": "Route closed by the rains"},
        {"indicator": "MIL-4", "value": 8},
    ]
    body = {"narrative": NARRATIVE, "rating": "on_track", "indicator_values": values}
    ok(api(fp("MIL")).put(f"/api/v1/submissions/{mil_input}", json=body))
    ok(fire_submission(api, fp("MIL"), mil_input, "submit"))
    boss = _person(browser, live_server, api, head("MIL"), screenshots, "desktop")
    boss.goto(f"/submissions/{mil_input}")
    boss.page.get_by_label("What needs to change (required)").fill("Give the source of the patrol figure.")
    boss.click("Return with comment")
    boss.expect_flash("Returned for revision")

    for view in ("desktop", "phone"):
        focal = _person(browser, live_server, api, fp("MIL"), screenshots, view)
        focal.goto(f"/submissions/{mil_input}")
        returned = focal.page.locator("section.returned")
        assert "Give the source of the patrol figure." in returned.inner_text()
        assert "By " in returned.inner_text()  # who returned it, and when
        assert returned.bounding_box()["y"] < focal.page.locator("form.submission").bounding_box()["y"]
        _no_sideways_scroll(focal)
        focal.shot(f"submission-returned-{view}")
        focal.context.close()
    ok(
        api(fp("MIL")).put(
            f"/api/v1/submissions/{mil_input}",
            json={"indicator_values": [{**values[1], "note": "Patrol reports, Force HQ"}, *values[:1], *values[2:]]},
        )
    )
    ok(fire_submission(api, fp("MIL"), mil_input, "submit"))

    boss.goto(f"/submissions/{mil_input}")
    table = boss.page.locator("table.values")
    text = table.inner_text()
    assert "MIL-1" in text and "70" in text and "Force incident log" in text
    assert "Patrol reports, Force HQ" in text and "Route closed by the rains" in text
    boss.shot("submission-head-sees-values")
    boss.click("Endorse")
    boss.expect_flash("Endorsed")
    assert "MIL-2" in boss.page.locator("table.values").inner_text()  # still there, read-only
    boss.context.close()
