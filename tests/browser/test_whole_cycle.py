"""One whole quarterly cycle clicked through in Chromium: the SPU, three focal points, a component
head and leadership, each signing in in their own browser context."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


class Person:
    """One person in their own browser context (own cookies), signed in."""

    def __init__(self, browser, base: str, email: str, shots, locale: str = "en-GB") -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, locale=locale)
        self.context.set_default_timeout(5000)
        self.page = self.context.new_page()
        self.base, self.email, self.shots = base, email, shots
        self.page.goto(f"{base}/sign-in")
        self.page.locator("input[name='email']").fill(email)
        self.page.locator("input[name='password']").fill(PASSWORD)
        self.page.locator("main form button[type='submit']").last.click()
        self.page.locator(".flash").first.wait_for()  # "Signed in as …", in the person's language

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).first.click()

    def expect_flash(self, text: str) -> None:
        flash = self.page.locator(".flash").first
        assert text in flash.inner_text(), (text, self.page.content()[:3000])

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def open_task(self, title_part: str) -> None:
        self.goto("/")
        self.page.get_by_role("link", name=re.compile(title_part)).first.click()


def test_a_whole_cycle_is_clicked_through_by_every_role(browser, live_server, screenshots):
    base = live_server
    anonymous = browser.new_context(viewport={"width": 1200, "height": 700})
    sign_in_page = anonymous.new_page()
    sign_in_page.goto(f"{base}/sign-in")
    sign_in_page.screenshot(path=str(screenshots / "01-sign-in.png"))
    anonymous.close()

    # The SPU starts the cycle and opens component input.
    spu = Person(browser, base, "spu@demo.example", screenshots)
    spu.goto("/missions/DEMO")
    spu.page.get_by_role("link", name="Start a cycle").click()
    spu.page.get_by_label("Period").fill("2026-Q4")
    spu.page.get_by_label("Input deadline").fill("2026-10-15")
    spu.shot("02-start-cycle")
    spu.click("Start the cycle")
    spu.expect_flash("started")
    cycle_url = spu.page.url.replace(base, "")
    spu.click("Open component input")
    spu.expect_flash("Component input")
    spu.shot("03-cycle-component-input")

    # Three focal points fill in and submit their component's input.
    for code in ("CIV", "MIL", "POL"):
        fp = Person(browser, base, f"{code.lower()}.fp@demo.example", screenshots)
        if code == "CIV":
            fp.shot("04-my-tasks-focal-point")
        fp.open_task("Submit .* input for 2026-Q4")
        fp.page.get_by_label("Narrative").fill(
            f"## {code} progress\n\n- Patrols **doubled** in the east\n- <script>alert(1)</script>"
        )
        fp.click("Preview")
        assert fp.page.locator(".preview strong").inner_text() == "doubled"
        assert fp.page.locator(".preview script").count() == 0
        if code == "CIV":
            fp.shot("05-submission-preview")
        if code == "CIV":  # submitting without a rating: the error sits by the field, the text stays
            fp.click("Submit for endorsement")
            assert "choose a progress rating" in fp.page.locator(".has-error").inner_text()
            assert "Patrols **doubled**" in fp.page.get_by_label("Narrative").input_value()
            fp.shot("05b-submission-error")
        fp.page.get_by_label("Progress rating").select_option("some_progress")
        fp.click("Submit for endorsement")
        fp.expect_flash("submitted")
        fp.context.close()

    # The civilian head returns the input once with a comment, then endorses the revision.
    head = Person(browser, base, "civ.head@demo.example", screenshots)
    head.open_task("Endorse .* input")
    head.shot("06-submission-head")
    head.page.get_by_label("What needs to change (required)").fill("Add the figures for the west.")
    head.click("Return with comment")
    head.expect_flash("Returned for revision")
    civ = Person(browser, base, "civ.fp@demo.example", screenshots)
    civ.open_task("Revise")
    civ.page.get_by_label("Narrative").fill("## CIV progress\n\nPatrols doubled in the east; **west** stable.")
    civ.click("Submit for endorsement")
    civ.expect_flash("submitted")
    civ.context.close()
    head.open_task("Endorse .* input")
    head.click("Endorse")
    head.expect_flash("Endorsed")

    # The SPU endorses the two others, starts the joint review and drafts a recommendation.
    spu.goto(cycle_url)
    for code in ("MIL", "POL"):
        spu.goto(cycle_url)
        spu.page.get_by_role("link", name=re.compile(f"^{code} ")).click()
        spu.click("Endorse")
        spu.expect_flash("Endorsed")
    spu.goto(cycle_url)
    spu.click("Start the joint review")
    spu.expect_flash("Joint review")
    spu.page.get_by_role("link", name="Joint review", exact=True).click()
    spu.page.get_by_label("Your comment").first.fill("Good figures; add the source next quarter.")
    spu.page.get_by_role("button", name="Add the comment").first.click()
    spu.expect_flash("Comment added to the CIV input.")
    spu.page.get_by_label("Title").fill("Strengthen early warning")
    spu.page.get_by_label("Recommendation", exact=True).fill("Set up **community alert networks** in the west.")
    spu.page.get_by_label("Addressed to").select_option("CIV")
    spu.page.get_by_label("Due").fill("2026-12-31")
    spu.click("Add the recommendation")
    spu.expect_flash("Strengthen early warning")
    spu.shot("07-joint-review")
    spu.click("Submit for leadership sign-off")
    spu.expect_flash("Leadership sign-off")

    # Leadership reads the consolidated assessment, approves the recommendation and the assessment.
    lead = Person(browser, base, "lead@demo.example", screenshots)
    lead.shot("08-my-tasks-leadership")
    lead.open_task("Sign off")
    lead.page.get_by_label("Approve", exact=True).check()
    lead.page.get_by_label("Comment (optional)").fill("Agreed.")
    lead.click("Record the decision")
    lead.expect_flash("Approved")
    lead.shot("09-sign-off")
    lead.page.locator("summary", has_text="Approve the assessment").click()  # opens what approving will do
    lead.click("Yes: Approve the assessment")
    lead.expect_flash("Follow-up")

    # The component head reports the action done on the follow-up board.
    head.open_task("Follow up")
    head.page.locator("form.update").get_by_label("Status").select_option("done")  # not the filter above
    head.page.get_by_label("Progress note").fill("Networks set up in four prefectures.")
    head.click("Add the update")
    head.expect_flash("Update recorded")
    head.shot("10-follow-up-board")

    # The SPU closes the cycle; the dashboard shows it closed.
    spu.goto(cycle_url)
    spu.page.locator("summary", has_text="Close the cycle").click()
    spu.click("Yes: Close the cycle")
    spu.expect_flash("Closed")
    spu.shot("11-cycle-closed")
    spu.goto("/missions/DEMO")
    assert "Closed" in spu.page.locator(".cycle-card").first.inner_text()
    spu.shot("12-mission-dashboard")

    # Leadership switches to French: the pages speak French.
    lead.goto("/profile")
    lead.page.get_by_label("Language").select_option("fr")
    lead.click("Save profile")
    lead.goto(cycle_url + "/sign-off")
    assert "Évaluation consolidée" in lead.page.content()
    lead.shot("13-sign-off-french")
    admin = Person(browser, base, "admin@demo.example", screenshots)
    admin.goto("/admin/audit?mission=DEMO")
    admin.shot("14-admin-audit-log")
    for person in (spu, head, lead, admin):
        person.context.close()
