"""One whole quarterly cycle clicked through in Chromium: the SPU, three focal points, a component
head and leadership, each in their own browser context, signing in and following their tasks.

The walk runs three times: on a desktop, on a 390 px phone, and in French (every person's language
set to French, the browser asking for French). On every page it reaches it asserts that the page does
not scroll sideways and, in French, that no English rule message shows; it saves a screenshot of each
step into test-output/screenshots/ (walk-<how>-<step>.png)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.support import Translations

from cpas_workflow.accounts.operations import find_user, update_preferences
from cpas_workflow.extensions import db
from tests.browser.pages import english_rule_messages, no_sideways_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
FRENCH = Translations.load(str(ROOT / "translations"), ["fr"])
WALKS = {
    "desktop": {"viewport": {"width": 1200, "height": 900}, "language": "en"},
    "phone": {"viewport": {"width": 390, "height": 800}, "language": "en"},
    "french": {"viewport": {"width": 390, "height": 800}, "language": "fr"},
}


class Walk:
    """How this run of the walk looks: its viewport, its language, its numbered screenshots."""

    def __init__(self, how: str, shots: Path, *, numbered: bool = True) -> None:
        self.how, self.shots, self.step, self.numbered = how, shots, 0, numbered
        self.viewport, self.language = WALKS[how]["viewport"], WALKS[how]["language"]

    def t(self, text: str) -> str:
        """`text` (a message id of the catalog) as the walker's pages show it."""
        return FRENCH.gettext(text) if self.language == "fr" else text

    def n(self, singular: str, plural: str, count: int) -> str:
        if self.language == "fr":
            return FRENCH.ngettext(singular, plural, count)
        return singular if count == 1 else plural

    def title(self, template: str) -> re.Pattern:
        """A task title template ("Submit {component} input for {period}") as a pattern in the walk's language."""
        parts = re.split(r"\{\w+\}", self.t(template))
        return re.compile(".+?".join(re.escape(p) for p in parts))


class Person:
    """One person in their own browser context (own cookies), signed in. (Other browser tests build one
    without __init__; it then behaves as on an English desktop.)"""

    _walk: Walk | None = None

    def __init__(self, browser, base: str, email: str, walk: Walk | Path, app=None) -> None:
        if isinstance(walk, Path):  # the other browser tests: a desktop in English
            walk = Walk("desktop", walk, numbered=False)
        self._walk = walk
        if app is not None and walk.language != "en":
            with app.app_context():
                update_preferences(find_user(email), language=walk.language)
                db.session.commit()
        locale = "fr-FR" if walk.language == "fr" else "en-GB"
        self.context = browser.new_context(viewport=walk.viewport, locale=locale)
        self.context.set_default_timeout(30000)  # a busy machine (two cores, a whole team's tests) is slow
        self.page = self.context.new_page()
        self.base, self.email, self.shots = base, email, walk.shots
        self.page.goto(f"{base}/sign-in")
        self.page.get_by_label(walk.t("E-mail")).fill(email)
        self.page.get_by_label(walk.t("Password")).fill(PASSWORD)
        self.page.get_by_role("button", name=walk.t("Sign in")).click()
        self.expect_ok()

    @property
    def walk(self) -> Walk:
        if self._walk is None:
            self._walk = Walk("desktop", self.shots, numbered=False)
        return self._walk

    def t(self, text: str) -> str:
        return self.walk.t(text)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def click(self, name: str) -> None:
        """Press a form's button and wait for the page it posts to (the click alone does not)."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=self.t(name), exact=True).first.click()

    def step(self, trigger: str) -> None:
        """Take a step of the cycle page; a step that asks to be confirmed is opened, then confirmed."""
        offer = self.page.locator(f"#offer-{trigger}")
        if offer.locator("summary").count():
            offer.locator("summary").click()
        with self.page.expect_navigation():
            offer.locator("button[type=submit]").click()

    def check(self) -> None:
        """What holds on every page of the walk: no sideways scroll; in French, no English rule."""
        scroll_width, inner_width = no_sideways_scroll(self.page)
        assert scroll_width <= inner_width, (self.page.url, scroll_width, inner_width)
        if self.walk.language == "fr":
            assert english_rule_messages(self.page) == [], self.page.url

    def expect_flash(self, text: str) -> None:
        flash = self.page.locator(".flash").first
        assert text in flash.inner_text(), (text, self.page.content()[:3000])
        self.check()

    def expect_ok(self) -> None:
        """The action succeeded: a success message, no error on the page."""
        assert self.page.locator(".flash-success").count() >= 1, self.page.content()[:3000]
        assert self.page.locator(".flash-error, .has-error, .form-error").count() == 0, self.page.content()[:3000]
        self.check()

    def shot(self, name: str) -> None:
        if not self.walk.numbered:
            path = self.shots / f"{name}.png"  # the other browser tests' names
        else:
            self.walk.step += 1
            path = self.shots / f"walk-{self.walk.how}-{self.walk.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def open_task(self, template: str) -> None:
        """From My tasks, follow the first task whose title matches `template` (in the walk's language)."""
        self.goto("/")
        self.page.get_by_role("link", name=self.walk.title(template)).first.click()
        self.page.wait_for_load_state()
        self.check()


@pytest.mark.parametrize("how", list(WALKS))
def test_a_whole_cycle_is_clicked_through_by_every_role(browser, live_server, app, screenshots, how):
    walk = Walk(how, screenshots)
    t = walk.t
    base = live_server
    anonymous = browser.new_context(viewport=walk.viewport, locale="fr-FR" if walk.language == "fr" else "en-GB")
    sign_in_page = anonymous.new_page()
    sign_in_page.goto(f"{base}/sign-in")
    sign_in_page.screenshot(path=str(screenshots / f"walk-{how}-00-sign-in.png"))
    assert no_sideways_scroll(sign_in_page)[0] <= walk.viewport["width"]
    anonymous.close()

    def person(email: str) -> Person:
        return Person(browser, base, email, walk, app)

    # The SPU starts the cycle and opens component input.
    spu = person("spu@demo.example")
    spu.goto("/missions/DEMO")
    spu.page.get_by_role("link", name=t("Start a cycle")).click()
    spu.page.get_by_label(t("Period")).fill("2026-Q4")
    spu.page.get_by_label(t("Input deadline")).fill("2026-10-15")
    spu.shot("start-cycle")
    spu.click("Start the cycle")
    spu.expect_ok()
    cycle_url = spu.page.url.replace(base, "")
    spu.step("open_input")
    spu.expect_ok()
    spu.shot("cycle-component-input")

    # Three focal points fill in and submit their component's input.
    for code in ("CIV", "MIL", "POL"):
        fp = person(f"{code.lower()}.fp@demo.example")
        if code == "CIV":
            fp.shot("my-tasks-focal-point")
        fp.open_task("Submit {component} input for {period}")
        fp.page.get_by_label(t("Narrative")).fill(
            f"## {code} progress\n\n- Patrols **doubled** in the east\n- <script>alert(1)</script>"
        )
        fp.click("Preview")
        assert fp.page.locator(".preview strong").inner_text() == "doubled"
        assert fp.page.locator(".preview script").count() == 0
        if code == "CIV":
            fp.shot("submission-preview")
            # submitting without a rating: the error sits by the field, in the reader's language; the text stays
            fp.click("Submit for endorsement")
            error = fp.page.locator(".has-error").first.inner_text()
            assert t("Before submitting, choose a progress rating.") in error, error
            assert "Patrols **doubled**" in fp.page.get_by_label(t("Narrative")).input_value()
            fp.check()
            fp.shot("submission-error")
        fp.page.get_by_label(t("Progress rating")).select_option("some_progress")
        fp.click("Submit for endorsement")
        fp.expect_ok()
        fp.context.close()

    # The civilian head returns the input once with a comment, then endorses the revision.
    head = person("civ.head@demo.example")
    head.open_task("Endorse {component} input for {period}")
    head.shot("submission-head")
    head.page.get_by_label(t("What needs to change (required)")).fill("Add the figures for the west.")
    head.click("Return with comment")
    head.expect_ok()
    civ = person("civ.fp@demo.example")
    civ.open_task("Revise {component} input for {period}")
    civ.shot("returned-input")
    civ.page.get_by_label(t("Narrative")).fill("## CIV progress\n\nPatrols doubled in the east; **west** stable.")
    civ.click("Submit for endorsement")
    civ.expect_ok()
    civ.context.close()
    head.open_task("Endorse {component} input for {period}")
    head.click("Endorse")
    head.expect_ok()

    # The SPU endorses the two others, starts the joint review and drafts two recommendations.
    for code in ("MIL", "POL"):
        spu.goto(cycle_url)
        spu.page.get_by_role("link", name=re.compile(f"^{code} ")).click()
        spu.click("Endorse")
        spu.expect_ok()
    spu.goto(cycle_url)
    spu.step("start_review")
    spu.expect_ok()
    spu.page.get_by_role("link", name=t("Joint review"), exact=True).click()
    spu.page.get_by_label(t("Your comment")).first.fill("Good figures; add the source next quarter.")
    spu.page.get_by_role("button", name=t("Add the comment")).first.click()
    spu.expect_ok()
    for title, component in (("Strengthen early warning", "CIV"), ("Recruit women patrol officers", "POL")):
        spu.page.get_by_label(t("Title")).fill(title)
        spu.page.get_by_label(t("Recommendation"), exact=True).fill(f"{title}: **community alert networks**.")
        spu.page.get_by_label(t("Addressed to")).select_option(component)
        spu.page.get_by_label(t("Due"), exact=True).fill("2026-12-31")
        spu.click("Add the recommendation")
        spu.expect_flash(title)
    spu.shot("joint-review")
    spu.step("submit_for_signoff")
    spu.expect_ok()

    # Leadership reads the consolidated assessment, decides the recommendations, approves the assessment.
    lead = person("lead@demo.example")
    lead.shot("my-tasks-leadership")
    lead.open_task("Sign off the {period} assessment")
    for title in ("Strengthen early warning", "Recruit women patrol officers"):  # several decisions, one form
        recommendation = lead.page.locator(".rec", has_text=title)
        recommendation.get_by_label(t("Approve"), exact=True).check()
        recommendation.get_by_label(t("Comment (optional)")).fill("Agreed.")
    lead.page.get_by_role("button", name=walk.n("Record the decision", "Record the decisions", 2)).click()
    lead.expect_ok()
    lead.shot("sign-off")
    lead.step("approve")
    lead.expect_ok()

    # The component head reports the action done on the follow-up board.
    head.open_task("Follow up: {recommendation}")
    head.page.locator("form.update").first.get_by_label(t("Status")).select_option("done")  # not the filter above
    head.page.locator("form.update").first.get_by_label(t("Progress note")).fill("Networks set up in four prefectures.")
    head.page.locator("form.update").first.get_by_role("button", name=t("Add the update")).click()
    head.expect_ok()
    head.shot("follow-up-board")
    pol = person("pol.head@demo.example")
    pol.open_task("Follow up: {recommendation}")
    pol.page.locator("form.update").first.get_by_label(t("Status")).select_option("dropped")
    pol.page.locator("form.update").first.get_by_label(t("Progress note")).fill(
        "Overtaken by the new recruitment plan."
    )
    pol.page.locator("form.update").first.get_by_role("button", name=t("Add the update")).click()
    pol.expect_ok()
    pol.context.close()

    # The SPU closes the cycle; the dashboard shows it closed.
    spu.goto(cycle_url)
    spu.step("close")
    spu.expect_ok()
    spu.shot("cycle-closed")
    spu.goto("/missions/DEMO")
    assert t("Closed") in spu.page.locator(".cycle-card").first.inner_text()
    spu.shot("mission-dashboard")
    admin = person("admin@demo.example")
    admin.goto("/admin/audit?mission=DEMO")
    admin.shot("admin-audit-log")
    for someone in (spu, head, lead, admin):
        someone.context.close()
