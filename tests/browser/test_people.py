"""People in the browser: a focal point going on R&R delegates to a colleague on her profile, who then
finds her task marked "for Cleo Civil", submits it, and the SPU reads "Milo Force for Cleo Civil" in the
history; an SPU takes a task; a successor reads a handover. Screenshots: desktop, 390 px, French."""

from __future__ import annotations

import pytest

from tests.browser.test_whole_cycle import Person as Signed
from tests.conftest import PASSWORD
from tests.cycle_helpers import SPU, fire, ok, start_cycle
from tests.people_helpers import SPU2, add_holder

pytestmark = pytest.mark.browser


class Person(Signed):
    """The whole cycle's Person, with time-outs for a machine shared by many test runs."""

    def __init__(self, browser, base: str, email: str, shots) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
        self.context.set_default_timeout(30000)
        self.page = self.context.new_page()
        self.base, self.email, self.shots = base, email, shots
        self.page.goto(f"{base}/sign-in")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_selector(".flash")


def narrow(person: Person) -> None:
    person.page.set_viewport_size({"width": 390, "height": 844})


def test_a_delegate_submits_for_the_focal_point_and_the_history_names_both(browser, live_server, screenshots, api):
    ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))

    cleo = Person(browser, live_server, "civ.fp@demo.example", screenshots)
    cleo.goto("/profile")
    cleo.page.get_by_role("link", name="Delegate my roles").click()
    cleo.page.get_by_label("Acting officer (e-mail)").fill("mil.fp@demo.example")
    cleo.page.get_by_label("From").fill("2026-10-01")
    cleo.page.get_by_label("Until (inclusive)").fill("2026-10-20")
    cleo.page.get_by_label("Note (optional)").fill("R&R, back on 21 October")
    cleo.click("Delegate")
    cleo.expect_flash("Milo Force acts for Cleo Civil")
    assert "in force" in cleo.page.locator("#delegations").inner_text()
    cleo.shot("people-01-delegation-desktop")
    narrow(cleo)
    cleo.shot("people-02-delegation-390")
    cleo.context.close()

    milo = Person(browser, live_server, "mil.fp@demo.example", screenshots)
    row = milo.page.locator("tr", has_text="Civilian").first
    assert "for Cleo Civil" in row.inner_text()
    milo.shot("people-03-my-tasks-for-cleo")
    row.get_by_role("link").first.click()
    milo.page.get_by_label("Narrative").fill("Patrols doubled in the east (entered for Cleo).")
    milo.page.get_by_label("Progress rating").select_option("some_progress")
    milo.click("Submit for endorsement")
    milo.expect_flash("submitted")
    milo.context.close()

    spu = Person(browser, live_server, SPU, screenshots)
    spu.goto("/missions/DEMO")
    spu.page.get_by_role("link", name="2026-Q4").first.click()
    history = spu.page.content()
    assert "Milo Force for Cleo Civil" in history
    spu.shot("people-04-history-both-names")
    spu.context.close()


def test_an_spu_takes_a_task_and_the_page_says_who_has_it_in_french_on_a_phone(
    browser, live_server, screenshots, api, app
):
    add_holder(app, SPU2, "Sue Second", "spu")
    start_cycle(api)
    sue = Person(browser, live_server, SPU2, screenshots)
    row = sue.page.locator("tr", has_text="Open component input").first
    row.get_by_role("button", name="Take this task").click()
    sue.expect_flash("The task is yours")
    assert "taken by Sue Second" in sue.page.locator("tr", has_text="Open component input").first.inner_text()
    sue.shot("people-05-task-taken")
    sue.context.close()

    sam = Person(browser, live_server, SPU, screenshots)
    ok(api(SPU).put("/api/v1/me/preferences", json={"language": "fr"}))
    narrow(sam)
    sam.goto("/")
    assert "prise par Sue Second" in sam.page.content()
    sam.shot("people-06-my-tasks-fr-390")
    sam.page.get_by_role("link", name="détails").first.click()
    assert "Attribuer" in sam.page.content()
    sam.shot("people-07-task-page-fr-390")
    sam.context.close()


def test_a_successor_reads_and_acknowledges_the_handover(browser, live_server, screenshots, api, app):
    from cpas_workflow.accounts.queries import user_by_email

    add_holder(app, "civ.head2@demo.example", "Nia Next", "component_head", component="CIV")
    cas = Person(browser, live_server, "civ.head@demo.example", screenshots)
    cas.goto("/handovers")
    cas.page.locator("#mine a").first.click()
    cas.page.get_by_label("Notes for your successor").fill(
        "Call **Amina** at HR first; the CIV files are on the shared drive."
    )
    cas.click("Save notes")
    cas.expect_flash("Your handover notes are saved.")
    cas.context.close()

    admin = Person(browser, live_server, "admin@demo.example", screenshots)
    with app.app_context():
        uid = user_by_email("civ.head@demo.example").id
    admin.goto(f"/admin/users/{uid}")
    admin.click("Withdraw")
    admin.expect_flash("Role withdrawn")
    assert "Roles held before" in admin.page.content()
    admin.shot("people-08-admin-role-history")
    admin.context.close()

    nia = Person(browser, live_server, "civ.head2@demo.example", screenshots)
    nia.goto("/handovers")
    nia.page.locator("#waiting a").first.click()
    assert nia.page.locator("#handover-notes strong").inner_text() == "Amina"
    nia.click("I have read this handover")
    nia.expect_flash("Handover acknowledged")
    nia.shot("people-09-handover-desktop")
    narrow(nia)
    nia.shot("people-10-handover-390")
    nia.context.close()
