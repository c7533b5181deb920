"""Every main page, as the person who works in it: laid out within a 360 px and a 390 px phone (the
page never scrolls sideways; wide tables reflow or scroll inside themselves), and free of serious or
critical axe-core findings. The mission has its demo history (a published framework, four closed
quarters) and one cycle in each working state."""

from __future__ import annotations

import pytest

from tests.browser.pages import PHONE_WIDTHS, axe_source, no_sideways_scroll, serious_violations
from tests.conftest import PASSWORD
from tests.cycle_helpers import LEAD, SPU, fire, fp, head, ok, start_cycle

pytestmark = pytest.mark.browser


def indicator_values(api, component: str) -> list[dict]:
    """A valid value (its baseline) for each published indicator the component reports on."""
    framework = ok(api(SPU).get("/api/v1/missions/DEMO/framework"))
    found = []

    def walk(node):
        for indicator in node.get("indicators", []):
            if indicator["component"] == component:
                found.append({"indicator": indicator["code"], "value": indicator["baseline"]})
        for child in node.get("outcomes", []) + node.get("outputs", []):
            walk(child)

    for priority in framework["priorities"]:
        walk(priority)
    return [dict(v) if v["value"] is not None else {**v, "no_data_reason": "Not measured yet."} for v in found]


def submit(api, submission: dict, *, endorse: bool = True) -> None:
    code = submission["component"]
    body = {"narrative": f"{code} made progress.", "rating": "some_progress"}
    ok(
        api(fp(code)).put(
            f"/api/v1/submissions/{submission['id']}", json={**body, "indicator_values": indicator_values(api, code)}
        )
    )
    ok(api(fp(code)).post(f"/api/v1/submissions/{submission['id']}/transitions", json={"trigger": "submit"}))
    if endorse:
        ok(api(head(code)).post(f"/api/v1/submissions/{submission['id']}/transitions", json={"trigger": "endorse"}))


def cycle_to(api, period: str, state: str) -> dict:
    cycle = start_cycle(api, period=period)
    cid = cycle["id"]
    cycle = ok(fire(api, SPU, cid, "open_input"))
    if state == "component_input":
        submit(api, cycle["submissions"][0], endorse=False)  # one submitted, two pending
        return cycle
    for submission in cycle["submissions"]:
        submit(api, submission)
    ok(fire(api, SPU, cid, "start_review"))
    recommendation = {"body": "Set up **community alert networks**.", "component": "CIV", "due": "2026-12-31"}
    for title in ("Strengthen early warning", "Recruit women patrol officers"):
        ok(api(SPU).post(f"/api/v1/cycles/{cid}/recommendations", json={**recommendation, "title": title}), 201)
    if state == "joint_review":
        return ok(api(SPU).get(f"/api/v1/cycles/{cid}"))
    cycle = ok(fire(api, SPU, cid, "submit_for_signoff"))
    if state == "leadership_signoff":
        return cycle
    for rec in cycle["recommendations"]:
        ok(api(LEAD).post(f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}))
    return ok(fire(api, LEAD, cid, "approve"))


class Visitor:
    """One signed-in person's browser context (scripts injected by the test are let through CSP)."""

    def __init__(self, browser, base: str, email: str | None) -> None:
        self.context = browser.new_context(viewport={"width": 390, "height": 800}, bypass_csp=True)
        self.context.set_default_timeout(10000)
        self.page = self.context.new_page()
        self.base = base
        if email:
            self.page.goto(f"{base}/sign-in")
            self.page.get_by_label("E-mail").fill(email)
            self.page.get_by_label("Password").fill(PASSWORD)
            self.page.get_by_role("button", name="Sign in").click()
            self.page.wait_for_load_state()


def test_every_main_page_fits_a_phone_and_passes_axe(browser, live_server, api, app, history, screenshots):
    review = cycle_to(api, "2026-Q4", "joint_review")
    signoff = cycle_to(api, "2027-Q1", "leadership_signoff")
    followup = cycle_to(api, "2027-Q2", "followup")
    working = cycle_to(api, "2027-Q3", "component_input")
    closed = ok(api(SPU).get("/api/v1/missions/DEMO/cycles"))
    closed_id = next(c["id"] for c in closed if c["state"] == "closed")
    submitted = working["submissions"][0]["id"]
    pending = working["submissions"][1]["id"]
    with app.app_context():
        from cpas_workflow.accounts.operations import find_user
        from notifications.outbox import unsubscribe_token

        unsubscribe = unsubscribe_token(find_user(fp("CIV")))
        admin_user_id = find_user(SPU).id

    pages = {
        None: [("sign-in", "/sign-in"), ("unsubscribe", f"/unsubscribe/{unsubscribe}")],
        fp("MIL"): [
            ("my-tasks-focal-point", "/"),
            ("submission-editing", f"/submissions/{pending}"),
            ("profile", "/profile"),
            ("notifications", "/me/notifications"),
        ],
        head("CIV"): [
            ("submission-to-endorse", f"/submissions/{submitted}"),
            ("follow-up-board-head", "/missions/DEMO/follow-up"),
        ],
        SPU: [
            ("my-tasks-spu", "/"),
            ("mission-dashboard", "/missions/DEMO"),
            ("start-a-cycle", "/missions/DEMO/cycles/new"),
            ("cycle-component-input", f"/cycles/{working['id']}"),
            ("cycle-joint-review", f"/cycles/{review['id']}"),
            ("joint-review", f"/cycles/{review['id']}/review"),
            ("cycle-signoff", f"/cycles/{signoff['id']}"),
            ("cycle-followup", f"/cycles/{followup['id']}"),
            ("cycle-closed", f"/cycles/{closed_id}"),
            ("printable-report", f"/cycles/{closed_id}/report"),
            ("follow-up-board", "/missions/DEMO/follow-up"),
            ("recommendation-register", "/missions/DEMO/recommendations"),
            ("assessment", f"/cycles/{closed_id}/assessment"),
            ("factsheet", "/missions/DEMO/factsheet"),
            ("framework", "/missions/DEMO/framework"),
        ],
        LEAD: [("sign-off", f"/cycles/{signoff['id']}/sign-off")],
        "hq@demo.example": [("missions-compared", "/hq")],
        "admin@demo.example": [
            ("admin", "/admin"),
            ("admin-users", "/admin/users"),
            ("admin-user", f"/admin/users/{admin_user_id}"),
            ("admin-mission", "/admin/missions/DEMO"),
            ("admin-audit", "/admin/audit?mission=DEMO"),
            ("admin-outbox", "/admin/outbox"),
        ],
    }
    source = axe_source()
    problems, opened = [], 0
    for email, visits in pages.items():
        visitor = Visitor(browser, live_server, email)
        for name, path in visits:
            response = visitor.page.goto(live_server + path)
            assert response.status < 400, (name, path, response.status)
            opened += 1
            for width in PHONE_WIDTHS:
                visitor.page.set_viewport_size({"width": width, "height": 800})
                scroll_width, inner_width = no_sideways_scroll(visitor.page)
                if scroll_width > inner_width:
                    problems.append(f"{name} at {width}px: {scroll_width}px wide")
            # at 390 px, where wide tables become scroll containers or cards
            problems += [f"{name}: {line}" for line in serious_violations(visitor.page, source)]
            visitor.page.screenshot(path=str(screenshots / f"page-{name}-390.png"), full_page=True)
        visitor.context.close()
    assert opened >= 29
    assert problems == [], "\n".join(problems)
