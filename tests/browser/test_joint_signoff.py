"""A joint sign-off clicked through by two leaders: the page says who has approved and who is awaited,
and the assessment moves on only at the second approval."""

from __future__ import annotations

import pytest

from tests.browser.test_whole_cycle import Person
from tests.cycle_helpers import LEAD, cycle_in, ok
from tests.test_joint_signoff import JOINT, add_deputy

pytestmark = pytest.mark.browser


def _section(person) -> str:
    return person.page.locator("section.approvals").inner_text()


def test_two_leaders_sign_off_together_and_the_page_shows_who_is_awaited(app, api, browser, live_server, screenshots):
    deputy = add_deputy(app)
    cycle = cycle_in(api, "leadership_signoff", workflow=JOINT)
    for rec in cycle["recommendations"]:
        ok(api(LEAD).post(f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}))
    signoff = f"/cycles/{cycle['id']}/sign-off"

    lead = Person(browser, live_server, LEAD, screenshots)
    lead.goto(signoff)
    section = _section(lead)
    assert "0 of 2 approvals given" in section and "No approval yet." in section
    assert "Deputy Head of Mission" in section and "Lee Leader" in section
    lead.page.locator("summary", has_text="Approve the assessment").click()  # opens what approving will do
    lead.click("Yes: Approve the assessment")
    lead.expect_flash("Your approval is recorded")
    approved = lead.page.locator("section.approvals ul.approved").inner_text()
    awaited = lead.page.locator("section.approvals ul.awaited").inner_text()
    assert "Lee Leader" in approved and "Deputy" not in approved
    assert awaited.strip() == "Deputy Head of Mission"
    assert "Leadership sign-off" in lead.page.locator("h1 + p.meta").inner_text()  # still in sign-off
    assert lead.page.locator("summary", has_text="Approve the assessment").count() == 0
    lead.shot("joint-signoff-1-of-2")

    # On a phone, the same: approved by the lead, the deputy awaited, no second approval offered.
    lead.page.set_viewport_size({"width": 390, "height": 844})
    lead.goto(signoff)
    lead.shot("joint-signoff-1-of-2-phone")

    second = Person(browser, live_server, deputy, screenshots)
    second.goto(signoff)
    assert "1 of 2 approvals given" in _section(second)
    second.page.locator("summary", has_text="Approve the assessment").click()
    second.click("Yes: Approve the assessment")
    second.expect_flash("Follow-up")
    assert second.page.locator("section.approvals").count() == 0
    second.shot("joint-signoff-done")
    for person in (lead, second):
        person.context.close()


def test_the_french_page_names_who_approved_and_who_is_awaited(app, api, browser, live_server, screenshots):
    deputy = add_deputy(app)
    cycle = cycle_in(api, "leadership_signoff", workflow=JOINT)
    for rec in cycle["recommendations"]:
        ok(api(LEAD).post(f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}))
    ok(api(deputy).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "approve"}))
    lead = Person(browser, live_server, LEAD, screenshots)
    lead.goto("/profile")
    lead.page.get_by_label("Language").select_option("fr")
    lead.click("Save profile")
    lead.goto(f"/cycles/{cycle['id']}/sign-off")
    section = _section(lead)
    assert "1 sur 2 approbations données" in section
    assert "Approuvé par" in section and "En attente" in section
    lead.shot("joint-signoff-french")
    lead.context.close()
