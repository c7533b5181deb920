"""The cycle page in several states, as the SPU and leadership see it, on a desktop, on a 390 px phone
and in French: disabled steps say why, confirmations open in place without a script, the danger zone
stands apart, nothing scrolls sideways. Screenshots go to test-output/screenshots/actions-*.png."""

from __future__ import annotations

import pytest

from tests.browser.test_whole_cycle import Person, Walk
from tests.cycle_helpers import LEAD, SPU, cycle_in, fill_and_submit, ok

pytestmark = pytest.mark.browser
VIEWS = {"desktop": (1200, "en"), "phone": (390, "en"), "french": (1200, "fr")}


def _person(browser, base, api, email: str, width: int, language: str, shots) -> Person:
    ok(api(email).put("/api/v1/me/preferences", json={"language": language}))
    person = Person(browser, base, email, Walk("french" if language == "fr" else "desktop", shots, numbered=False))
    person.page.set_viewport_size({"width": width, "height": 900})
    return person


def _fits(person: Person, width: int) -> None:
    assert person.page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_cycle_page_offers_its_steps_readably_everywhere(browser, live_server, api, screenshots, view):
    width, language = VIEWS[view]
    waiting = cycle_in(api, "component_input")
    fill_and_submit(api, waiting["submissions"][0])
    fill_and_submit(api, waiting["submissions"][1], endorse=False)
    signoff = cycle_in(api, "leadership_signoff", period="2027-Q1")
    followup = cycle_in(api, "followup", period="2027-Q2")
    spu = _person(browser, live_server, api, SPU, width, language, screenshots)
    lead = _person(browser, live_server, api, LEAD, width, language, screenshots)

    spu.goto(f"/cycles/{waiting['id']}")
    reason = spu.page.locator("#why-start_review").inner_text()
    assert ("Force" in reason) and ("Police (UNPOL)" in reason)
    assert spu.page.locator("#offer-start_review button").is_disabled()
    spu.shot(f"actions-{view}-1-waiting-for-input")
    _fits(spu, width)
    spu.page.locator("#offer-endorse_all > summary").click()  # the confirmation opens in place, no script
    assert spu.page.locator("#offer-endorse_all .summary").is_visible()
    spu.page.locator("#offer-cancel > summary").click()
    assert spu.page.locator("#danger-h").is_visible()
    spu.shot(f"actions-{view}-2-confirmations-open")
    _fits(spu, width)

    lead.goto(f"/cycles/{signoff['id']}/sign-off")
    assert lead.page.locator("#offer-approve button").is_disabled()
    lead.shot(f"actions-{view}-3-sign-off-undecided")
    _fits(lead, width)
    rec = signoff["recommendations"][0]["id"]
    ok(api(LEAD).post(f"/api/v1/recommendations/{rec}/decision", json={"decision": "approve"}))
    lead.goto(f"/cycles/{signoff['id']}/sign-off")
    lead.page.locator("#offer-approve > summary").click()
    lead.shot(f"actions-{view}-4-approve-confirmation")
    _fits(lead, width)

    spu.goto(f"/cycles/{followup['id']}")
    assert spu.page.locator("#offer-close button").is_disabled()
    spu.shot(f"actions-{view}-5-follow-up")
    _fits(spu, width)
    if language == "fr":
        assert "Waiting" not in spu.page.content() and "still to decide" not in lead.page.content()
