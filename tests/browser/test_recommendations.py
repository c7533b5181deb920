"""A recommendation's whole life clicked through in Chromium: a focal point proposes it, the SPU
accepts it, edits one draft and withdraws another, leadership decides several at once (a rejection
without a reason is refused, nothing typed is lost) and amends one with the difference shown, the SPU
changes the action's owner and carries it over, and the register finds it, on a desktop, on a
phone (no sideways scrolling at 390 and 360 px) and in French."""

from __future__ import annotations

import pytest

from tests.browser.test_whole_cycle import Person as _Person
from tests.cycle_helpers import LEAD, SPU, cycle_in, fill_and_submit, fire, ok, start_cycle

pytestmark = pytest.mark.browser
PATIENCE_MS = 20_000  # two cores shared by many: a page may take seconds to come


class _Patient:
    """The browser, handing out contexts that wait longer than the whole-cycle test's 5 seconds."""

    def __init__(self, browser) -> None:
        self.browser = browser

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        set_timeout = context.set_default_timeout
        context.set_default_timeout = lambda ms: set_timeout(max(ms, PATIENCE_MS))
        return context


class Person(_Person):
    """As in the whole-cycle test, with more patience for a loaded machine."""

    def __init__(self, browser, base: str, email: str, shots) -> None:
        super().__init__(_Patient(browser), base, email, shots)


WIDEST = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
  [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
    .slice(-3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))]"""


def _no_sideways_scroll(page) -> None:
    wide, screen, culprits = page.evaluate(WIDEST)
    assert wide <= screen, f"{page.url} is {wide} px wide on a {screen} px screen: {culprits}"


def _on_phone(person: Person, path: str, name: str) -> None:
    for width in (390, 360):
        person.page.set_viewport_size({"width": width, "height": 800})
        person.goto(path)
        if width == 390:
            person.shot(name)
        _no_sideways_scroll(person.page)
    person.page.set_viewport_size({"width": 1200, "height": 900})


def test_a_proposed_recommendation_is_accepted_amended_carried_over_and_found_in_the_register(
    browser, live_server, screenshots, api
):
    base = live_server
    cycle = cycle_in(api, "component_input")
    cid = cycle["id"]

    # The civilian focal point proposes a recommendation during input.
    civ = Person(browser, base, "civ.fp@demo.example", screenshots)
    civ.goto(f"/cycles/{cid}")
    civ.page.get_by_label("Title").fill("Train community liaison assistants")
    civ.page.get_by_label("What you propose").fill("Two **community liaison assistants** per field office.")
    civ.shot("rec-01-propose")
    civ.click("Send the proposal")
    civ.expect_flash("sent to the SPU")

    for submission in cycle["submissions"]:
        fill_and_submit(api, submission)
    ok(fire(api, SPU, cid, "start_review"))

    # The SPU accepts it as a draft, drafts two more, edits one and withdraws the other.
    spu = Person(browser, base, SPU, screenshots)
    spu.goto(f"/cycles/{cid}/review")
    spu.page.get_by_label("Accept as a draft").check()
    spu.click("Answer the proposal")
    spu.expect_flash("accepted as a draft")
    for title in ("Strengthen early warning", "Buy more vehicles"):
        spu.page.get_by_label("Title").fill(title)
        spu.page.get_by_label("Recommendation", exact=True).fill(f"{title}: the text.")
        spu.page.get_by_label("Addressed to").select_option("MIL")
        spu.page.get_by_label("Due", exact=True).fill("2026-12-31")
        spu.click("Add the recommendation")
        spu.expect_flash(title)
    spu.page.get_by_role("link", name="Edit “Strengthen early warning”").click()
    spu.page.get_by_label("Recommendation", exact=True).fill("Set up alert networks in the west.")
    spu.page.get_by_label("POL").check()  # shared with the police, MIL leads
    spu.click("Save the recommendation")
    spu.expect_flash("saved")
    spu.page.get_by_role("link", name="Withdraw… “Buy more vehicles”").click()
    spu.page.get_by_label("Why (optional, kept in the audit trail)").fill("Covered by the budget submission.")
    spu.shot("rec-02-withdraw-confirmation")
    spu.click("Withdraw the recommendation")
    spu.expect_flash("withdrawn")
    spu.shot("rec-03-joint-review")
    ok(fire(api, SPU, cid, "submit_for_signoff"))

    # Leadership decides both in one form: the rejection without a reason comes back, nothing lost.
    lead = Person(browser, base, LEAD, screenshots)
    lead.goto(f"/cycles/{cid}/sign-off")
    proposal, warning = (lead.page.locator("article.rec").nth(i) for i in range(2))
    assert "Train community liaison assistants" in proposal.inner_text()
    proposal.get_by_label("Amend", exact=True).check()
    proposal.locator("summary").click()
    proposal.get_by_label("Amended text (only when amending)").fill(
        "Two community liaison assistants per field office, **women** first."
    )
    proposal.get_by_label("Owner of the action").select_option("civ.fp@demo.example")
    warning.get_by_label("Reject", exact=True).check()
    lead.click("Record the decisions")
    summary = lead.page.locator(".error-summary")
    assert "1 decision was refused" in summary.inner_text() and "rejection needs a comment" in summary.inner_text()
    # post/redirect/get: the sign-off's own address (a reload sends nothing), the focus on the problems
    assert f"/cycles/{cid}/sign-off?kept=1" in lead.page.url
    assert lead.page.evaluate("document.activeElement.id") == "decision-errors"
    assert "women" in proposal.get_by_label("Amended text (only when amending)").input_value()
    lead.shot("rec-04-decisions-refused")
    lead.page.locator("article.rec").nth(1).get_by_label("Comment (optional)").fill("The Force has its own plan.")
    lead.click("Record the decisions")
    lead.expect_flash("Amended")
    diff = lead.page.locator("article.rec").first.locator(".diff-text")
    assert "women" in diff.locator("ins").all_inner_texts()[-1] or any(
        "women" in t for t in diff.locator("ins").all_inner_texts()
    )
    lead.shot("rec-05-amended-difference")
    _on_phone(lead, f"/cycles/{cid}/sign-off", "rec-06-sign-off-390")
    ok(fire(api, LEAD, cid, "approve"))

    # The SPU hands the action to the head with a reason, then carries it over into the next quarter.
    [action] = [r for r in ok(api(SPU).get(f"/api/v1/cycles/{cid}"))["recommendations"] if r["decision"] == "amended"]
    spu.goto("/missions/DEMO/follow-up")
    spu.page.locator(f"#rec-{action['id']}").get_by_role("link", name="Change the owner…").click()
    spu.page.get_by_label("New owner").select_option("civ.head@demo.example")
    spu.page.get_by_label("Reason").fill("The focal point rotates out in December.")
    spu.click("Change the owner")
    spu.expect_flash("is now owned by")
    _on_phone(spu, "/missions/DEMO/follow-up", "rec-07-follow-up-390")
    ok(
        api(SPU).post(
            f"/api/v1/recommendations/{action['id']}/updates", json={"status": "carried_over", "note": "Next quarter."}
        ),
        201,
    )
    ok(fire(api, SPU, cid, "close"))
    nxt = start_cycle(api, period="2027-Q1", input_due="2027-01-15")
    spu.goto(f"/cycles/{nxt['id']}")
    origin = spu.page.locator(".origin").first.inner_text()
    assert "from 2026-Q4" in origin and "Amended" in origin
    spu.shot("rec-08-carried-over")

    # The register finds it, with its fate; a phone and a French reader see the same.
    spu.goto("/missions/DEMO/recommendations?fate=carried_over")
    rows = spu.page.locator("table.register tbody tr")
    assert rows.count() == 1 and "Train community liaison assistants" in rows.first.inner_text()
    spu.goto("/missions/DEMO/recommendations")
    assert "Withdrawn" in spu.page.content() and "Rejected" in spu.page.content()
    spu.shot("rec-09-register")
    _on_phone(spu, "/missions/DEMO/recommendations", "rec-10-register-390")
    lead.goto("/profile")
    lead.page.get_by_label("Language").select_option("fr")
    lead.click("Save profile")
    lead.goto(f"/cycles/{cid}")
    assert "Modifiée par la direction" in lead.page.content()
    lead.shot("rec-11-cycle-french")
    lead.goto("/missions/DEMO/recommendations")
    assert "Registre des recommandations" in lead.page.content() and "Reporté" in lead.page.content()
    lead.shot("rec-12-register-french")
    _on_phone(lead, "/missions/DEMO/recommendations", "rec-13-register-french-390")
    for person in (civ, spu, lead):
        person.context.close()
