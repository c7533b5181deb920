"""One whole quarterly cycle clicked through in Chromium: the SPU, three focal points, a component
head and leadership, each in their own browser context, signing in and following their tasks, over
the demo's results framework (four indicators a component, last quarter's values beside them).

On the way: a focal point types the whole input, follows every link of the submission page that stays
in the app and comes back to find it all kept; another submits with three problems and sees the three
at once, above the form and beside each field, the draft kept; the returned input says why above the
form; the head endorses seeing the values, the joint review and the sign-off show them per component;
leadership decides both recommendations in one form, approves once asked to confirm, and downloads
the assessment's PDF from its page.

The walk runs three times: on a desktop, on a 390 px phone, and in French (every person's language
set to French, the browser asking for French). On every page it reaches it asserts that the page does
not scroll sideways and shows no internal name and, in French, no English rule message or
system-made English name; each step's page passes axe-core (serious and critical) and is saved as a
screenshot into test-output/screenshots/ (walk-<how>-<step>.png)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.support import Translations

from cpas_workflow.accounts.operations import find_user, update_preferences
from cpas_workflow.extensions import db
from tests.browser.pages import axe_source, english_rule_messages, no_sideways_scroll, serious_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
FRENCH = Translations.load(str(ROOT / "translations"), ["fr"])
WALKS = {
    "desktop": {"viewport": {"width": 1200, "height": 900}, "language": "en"},
    "phone": {"viewport": {"width": 390, "height": 800}, "language": "en"},
    "french": {"viewport": {"width": 390, "height": 800}, "language": "fr"},
}

# Names the code uses that a reader should never see: subjects of the audit trail, state and
# workflow identifiers.
INTERNAL = re.compile(r"\b(?:cycle|submission|recommendation):\d+|\b[a-z]+_[a-z_]+\b|(?<![/\w])v\d+\b")

SYSTEM_ENGLISH = re.compile(r"quarterly performance assessment|\b(?:CIV|MIL|POL) input\b")


class Walk:
    """How this run of the walk looks: its viewport, its language, its numbered screenshots."""

    def __init__(self, how: str, shots: Path, *, numbered: bool = True) -> None:
        self.how, self.shots, self.step, self.numbered = how, shots, 0, numbered
        self.viewport, self.language = WALKS[how]["viewport"], WALKS[how]["language"]
        self.axe = axe_source() if numbered else ""

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
        if walk.axe:  # by the browser, not the page: the app's content security policy stays in force
            self.context.add_init_script(walk.axe)
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

    def expect_waiting(self, trigger: str) -> None:
        """The cycle page's step `trigger` cannot be taken yet: its button is disabled, the reason beside it."""
        offer = self.page.locator(f"#offer-{trigger}")
        assert offer.locator("button[disabled]").count() == 1, offer.inner_html()
        assert offer.locator(".why").inner_text().strip(), offer.inner_html()

    def check(self) -> None:
        """What holds on every page of the walk: no sideways scroll, no internal name; in French, no
        English rule."""
        scroll_width, inner_width = no_sideways_scroll(self.page)
        assert scroll_width <= inner_width, (self.page.url, scroll_width, inner_width)
        if self.walk.numbered:  # the walk (the other browser tests reuse Person on their own pages)
            internal = sorted(set(INTERNAL.findall(self.page.inner_text("body"))))
            assert internal == [], (self.page.url, internal)
        if self.walk.language == "fr":
            assert english_rule_messages(self.page) == [], self.page.url
            # the names the system makes (cycle titles, "CIV input") are French too
            assert SYSTEM_ENGLISH.findall(self.page.inner_text("body")) == [], self.page.url

    def expect_flash(self, text: str) -> None:
        self.page.wait_for_load_state()
        flash = self.page.locator(".flash").first
        flash.wait_for()
        assert text in flash.inner_text(), (text, self.page.content()[:3000])
        self.check()

    def expect_ok(self) -> None:
        """The action succeeded: a success message, no error on the page."""
        try:  # the page the form's answer leads to, read once its message is there
            self.page.locator(".flash-success").first.wait_for(timeout=10000)
        except Exception:
            raise AssertionError(self.page.content()[:3000]) from None
        self.page.wait_for_load_state()
        assert self.page.locator(".flash-error, .has-error, .form-error").count() == 0, self.page.content()[:3000]
        self.check()

    def shot(self, name: str) -> None:
        if not self.walk.numbered:
            path = self.shots / f"{name}.png"  # the other browser tests' names
        else:
            self.walk.step += 1
            path = self.shots / f"walk-{self.walk.how}-{self.walk.step:02d}-{name}.png"
            # each step's page as it is now (errors shown, input returned...): no serious axe-core finding
            assert serious_violations(self.page, self.walk.axe) == [], (name, self.page.url)
        self.page.screenshot(path=str(path), full_page=True)

    def open_task(self, template: str) -> None:
        """From My tasks, follow the first task whose title matches `template` (in the walk's language)."""
        self.goto("/")
        self.page.get_by_role("link", name=self.walk.title(template)).first.click()
        self.page.wait_for_load_state()
        self.check()


# What each focal point types: a value (or ("", reason) for no data) and a source note per indicator
# of the demo's results framework (demo_history: four indicators a component).
TYPED = {
    "CIV": {"CIV-1": ("21", "Prefecture reports"), "CIV-2": ("67", ""), "CIV-3": ("yes", ""), "CIV-4": ("13", "")},
    "MIL": {"MIL-1": ("70", "Force incident log"), "MIL-2": ("75", ""), "MIL-3": ("22", ""), "MIL-4": ("8", "")},
    "POL": {"POL-1": ("55", ""), "POL-2": ("", "Census postponed"), "POL-3": ("High", ""), "POL-4": ("460", "")},
}


def type_values(fp: Person, values: dict[str, tuple[str, str]]) -> None:
    """Fill each indicator's value (a box or a list) and note; no value: "No data this period" and why."""
    for code, (value, note) in values.items():
        box = fp.page.locator(f"#value-{code}")
        if not value:
            fp.page.locator(f"#no_data-{code}").check()
            fp.page.locator(f"#reason-{code}").fill(note)
        elif box.evaluate("el => el.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)
        if value and note:
            fp.page.locator(f"#note-{code}").fill(note)


def expect_values(tables, component: str, walk: Walk | None = None) -> None:
    """The values `component`'s focal point typed show in `tables` (read-only), a row per indicator."""
    for code, (value, note) in TYPED[component].items():
        row = tables.locator("tr", has_text=code).first
        text = row.inner_text()
        if not value:
            assert note in text, (code, text)  # no data, and why
            continue
        shown = walk.t(value) if walk and value in ("yes", "no") else value
        assert shown in text, (code, value, text)
        if note:
            assert note in text, (code, note, text)


def links_that_stay(page, base: str) -> list[str]:
    """Every link on the page that leads to another page of the app (not an anchor, not a download)."""
    hrefs = page.eval_on_selector_all(
        "main a[href]:not([download]), header a[href]",
        "els => els.map(e => e.getAttribute('href'))",
    )
    return list(dict.fromkeys(h for h in hrefs if not h.startswith("#") and (h.startswith("/") or h.startswith(base))))


@pytest.mark.parametrize("how", list(WALKS))
def test_a_whole_cycle_is_clicked_through_by_every_role(browser, live_server, app, history, screenshots, tmp_path, how):
    for earlier in screenshots.glob(f"walk-{how}-*.png"):  # what is there is this run's walk, step by step
        earlier.unlink()
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
    spu.page.get_by_label(t("Guidance to the components")).fill(
        "Report the **west** too: patrol figures by prefecture."
    )
    spu.click("Save the guidance")
    spu.expect_ok()
    spu.step("open_input")
    spu.expect_ok()
    spu.shot("cycle-component-input")
    spu.expect_waiting("start_review")  # no input yet: the joint review waits, and says for what

    # The civilian focal point types the whole input, then follows every link of the page that stays
    # in the app, and comes back each time to find what was typed still there.
    civ = person("civ.fp@demo.example")
    civ.shot("my-tasks-focal-point")
    civ.open_task("Submit {component} input for {period}")
    civ_url = civ.page.url.split("?")[0].split("#")[0].replace(base, "")
    assert "patrol figures by prefecture" in civ.page.locator("section.guidance").inner_text()  # the SPU's ask
    narrative = "## CIV progress\n\n- Patrols **doubled** in the east\n- <script>alert(1)</script>"
    civ.page.get_by_label(t("Narrative")).fill(narrative)
    civ.page.get_by_label(t("Progress rating")).select_option("some_progress")
    type_values(civ, TYPED["CIV"])
    civ.shot("submission-typed")
    links = links_that_stay(civ.page, base)
    assert len(links) >= 6, links  # the header, the crumbs, the audit trail
    for number, href in enumerate(links, 1):
        civ.page.locator(f'a[href="{href}"]').first.click()
        civ.page.wait_for_load_state()
        assert civ.page.url.split("#")[0] != base + civ_url, href  # it did leave the page
        civ.check()
        civ.shot(f"link-{number}")
        civ.goto(civ_url)  # a new visit, not the browser's page cache
        assert civ.page.get_by_label(t("Narrative")).input_value() == narrative, href
        assert civ.page.get_by_label(t("Progress rating")).input_value() == "some_progress", href
        assert civ.page.locator("#value-CIV-1").input_value() == "21", href
        assert civ.page.locator("#value-CIV-3").input_value() == "yes", href
        assert civ.page.locator("#note-CIV-1").input_value() == "Prefecture reports", href
        assert civ.page.locator(".draft-restored").is_visible(), href
    civ.shot("submission-draft-restored")
    civ.click("Preview")
    assert civ.page.locator(".preview strong").inner_text() == "doubled"
    assert civ.page.locator(".preview script").count() == 0
    civ.shot("submission-preview")
    civ.click("Submit for endorsement")
    civ.expect_ok()

    # The military focal point submits with three problems (no rating, an indicator without a value or
    # a reason, a count below zero) and sees the three at once, above the form and beside each field,
    # the draft kept; then fixes them and submits.
    mil = person("mil.fp@demo.example")
    mil.open_task("Submit {component} input for {period}")
    mil.page.get_by_label(t("Narrative")).fill("## MIL progress\n\nLong-range patrols **doubled** in the east.")
    type_values(mil, {code: TYPED["MIL"][code] for code in ("MIL-3", "MIL-4")})
    mil.page.locator("#note-MIL-1").fill("Force incident log")  # a source, but neither a value nor a reason
    mil.page.locator("#value-MIL-2").fill("-5")
    mil.click("Submit for endorsement")
    mil.page.wait_for_load_state()
    summary = mil.page.locator("#error-summary")
    assert summary.locator("li").count() == 3, summary.inner_text()
    assert "?kept=1" in mil.page.url  # the page, not the form's address: a reload sends nothing again
    assert mil.page.evaluate("document.activeElement.id") == "error-summary"  # focus on the problems
    assert -1 < summary.bounding_box()["y"] < walk.viewport["height"]  # in view, not 2,000 px below
    hrefs = [summary.locator("li a").nth(n).get_attribute("href") for n in range(3)]
    assert hrefs == ["#rating", "#value-MIL-1", "#value-MIL-2"], hrefs  # in the order of the page
    listed = summary.inner_text()
    assert t("Before submitting, choose a progress rating.") in listed, listed  # in the reader's language
    assert t("%(code)s: give a value, or tick “No data this period” and say why.") % {"code": "MIL-1"} in listed
    assert "-5" in listed and (walk.language == "en") == ("is a count" in listed), listed
    for box in ("rating", "value-MIL-1", "value-MIL-2"):
        assert mil.page.locator(f"#{box}").get_attribute("aria-invalid") == "true", box
        assert mil.page.locator(f"#{box}-error").is_visible(), box
    assert "Long-range patrols" in mil.page.get_by_label(t("Narrative")).input_value()  # the draft is kept
    assert mil.page.locator("#value-MIL-2").input_value() == "-5"  # as typed
    assert mil.page.locator("#note-MIL-1").input_value() == "Force incident log"
    assert mil.page.locator("#value-MIL-3").input_value() == "22"
    mil.check()
    mil.shot("submission-three-errors")
    mil.page.get_by_label(t("Progress rating")).select_option("on_track")
    type_values(mil, {"MIL-1": TYPED["MIL"]["MIL-1"], "MIL-2": TYPED["MIL"]["MIL-2"]})
    mil.click("Submit for endorsement")
    mil.expect_ok()
    mil.shot("submission-submitted")
    mil.context.close()

    pol = person("pol.fp@demo.example")
    pol.open_task("Submit {component} input for {period}")
    pol.page.get_by_label(t("Narrative")).fill("## POL progress\n\nCommunity policing in **four** prefectures.")
    pol.page.get_by_label(t("Progress rating")).select_option("some_progress")
    type_values(pol, TYPED["POL"])
    pol.click("Submit for endorsement")
    pol.expect_ok()
    pol.context.close()

    # The civilian head sees the values typed, returns the input once with a reason; the focal point
    # reads the reason above the returned form and revises; the head endorses seeing the values.
    head = person("civ.head@demo.example")
    head.open_task("Endorse {component} input for {period}")
    expect_values(head.page.locator("table.values"), "CIV", walk)
    head.shot("submission-head")
    head.page.get_by_label(t("What needs to change (required)")).fill("Add the figures for the west.")
    head.click("Return with comment")
    head.expect_ok()
    civ.goto("/")  # My tasks and the input's page give the revision the same due date
    task = civ.page.locator(
        "tr", has=civ.page.get_by_role("link", name=walk.title("Revise {component} input for {period}"))
    )
    due = task.locator("td").last.inner_text().strip()
    civ.open_task("Revise {component} input for {period}")
    assert due and due in civ.page.locator("p.meta").first.inner_text(), due
    returned = civ.page.locator("section.returned")
    assert "Add the figures for the west." in returned.inner_text()
    assert returned.bounding_box()["y"] < civ.page.locator("form.submission").bounding_box()["y"]
    civ.shot("returned-input")
    civ.page.get_by_label(t("Narrative")).fill("## CIV progress\n\nPatrols doubled in the east; **west** stable.")
    civ.click("Submit for endorsement")
    civ.expect_ok()
    civ.context.close()
    head.open_task("Endorse {component} input for {period}")
    expect_values(head.page.locator("table.values"), "CIV", walk)
    head.click("Endorse")
    head.expect_ok()
    head.shot("submission-endorsed")

    # The SPU endorses the two others, starts the joint review and drafts two recommendations.
    for code in ("MIL", "POL"):
        spu.goto(cycle_url)
        spu.page.get_by_role("link", name=re.compile(f"^{code} ")).click()
        expect_values(spu.page.locator("table.values"), code, walk)
        spu.click("Endorse")
        spu.expect_ok()
    spu.goto(cycle_url)
    spu.step("start_review")
    spu.expect_ok()
    spu.page.get_by_role("link", name=t("Joint review"), exact=True).click()
    for code in TYPED:  # each component's values beside its input
        expect_values(spu.page.locator("article.card", has_text=f"{code} —").locator("table.values"), code, walk)
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
    for code in TYPED:  # the values the assessment rests on, per component
        expect_values(lead.page.locator("table.values", has_text=f"{code} —"), code, walk)
    lead.expect_waiting("approve")  # not while recommendations wait for a decision
    for title in ("Strengthen early warning", "Recruit women patrol officers"):  # several decisions, one form
        recommendation = lead.page.locator(".rec", has_text=title)
        recommendation.get_by_label(t("Approve"), exact=True).check()
        recommendation.get_by_label(t("Comment (optional)")).fill("Agreed.")
    lead.page.get_by_role("button", name=walk.n("Record the decision", "Record the decisions", 2)).click()
    lead.expect_ok()
    lead.shot("sign-off")
    assert lead.page.locator("#offer-approve summary").count() == 1  # approving asks to be confirmed
    lead.step("approve")
    lead.expect_ok()

    # Leadership downloads the approved assessment as a PDF from its page.
    lead.page.get_by_role("link", name=t("Consolidated assessment")).first.click()
    lead.page.wait_for_load_state()
    lead.check()
    lead.shot("assessment")
    with lead.page.expect_download() as download:
        lead.page.get_by_role("link", name=t("PDF"), exact=True).click()
    saved = tmp_path / "assessment.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == "DEMO-2026-Q4-assessment.pdf"

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
