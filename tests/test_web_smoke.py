"""Every page of the web application draws for the people who use it, along one whole cycle."""

from cpas_workflow.accounts.operations import find_user
from tests.cycle_helpers import cycle_in
from tests.web_helpers import page, signed_in


def test_every_page_draws_along_a_cycle(app, api):
    cycle = cycle_in(api, "followup")
    cid, sid = cycle["id"], cycle["submissions"][0]["id"]
    spu = signed_in(app, "spu@demo.example")
    for url in [
        "/",
        "/profile",
        "/missions/DEMO",
        "/missions/DEMO/cycles/new",
        f"/cycles/{cid}",
        f"/cycles/{cid}/review",
        f"/cycles/{cid}/sign-off",
        "/missions/DEMO/follow-up",
        f"/submissions/{sid}",
    ]:
        page(spu, url)
    admin = signed_in(app, "admin@demo.example")
    with app.app_context():
        user_id = find_user("viewer@demo.example").id
    for url in [
        "/admin",
        "/admin/missions/DEMO",
        "/admin/users",
        f"/admin/users/{user_id}",
        "/admin/audit",
        "/admin/audit?mission=DEMO",
    ]:
        page(admin, url)
