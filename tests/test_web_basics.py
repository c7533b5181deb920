"""The web pages of the engine: sign in, my tasks, a cycle with its audit trail and its actions."""

import re

from tests.conftest import csrf_token, sign_in
from tests.cycle_helpers import SPU, cycle_in, ok


def test_signing_in_needs_the_right_password_and_a_csrf_token(client, demo):
    assert client.get("/").status_code == 302  # to the sign-in page
    no_token = client.post("/sign-in", data={"email": SPU, "password": "demo-password"})
    assert no_token.status_code == 400
    wrong = sign_in(client, SPU, "not-the-password")
    assert wrong.status_code == 422 and "E-mail or password is wrong." in wrong.get_data(as_text=True)
    assert f'value="{SPU}"' in wrong.get_data(as_text=True)  # what was typed is kept
    right = sign_in(client, SPU)
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert "My tasks" in client.get("/").get_data(as_text=True)


def test_sign_in_never_redirects_off_site(client, demo):
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=https://evil.example/x", data={"email": SPU, "password": "demo-password", "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_my_tasks_lists_open_tasks_with_links_to_the_work(client, api):
    cycle = cycle_in(api, "component_input")
    sign_in(client, "mil.fp@demo.example")
    page = client.get("/").get_data(as_text=True)
    mil = next(s for s in cycle["submissions"] if s["component"] == "MIL")
    assert "Submit Force input for 2026-Q4" in page and f'href="/submissions/{mil["id"]}"' in page


def test_the_cycle_page_shows_state_submissions_and_the_audit_trail(client, api):
    cycle = cycle_in(api, "joint_review")
    sign_in(client, "viewer@demo.example")
    page = client.get(f"/cycles/{cycle['id']}").get_data(as_text=True)
    assert "Joint review" in page
    assert "Audit trail" in page
    trail = page.split('id="audit-h"')[1]
    for happened in ("Cycle started", "Component input opened", "Joint review started"):
        assert happened in trail
    assert trail.count("Edited: ") + trail.count("Submitted: ") + trail.count("Endorsed: ") == 9  # each input
    assert "cycle:" not in page and "submission:" not in page  # the stored subjects, said in words
    assert 'name="trigger"' not in page  # a viewer is offered no action


def test_another_missions_cycle_page_is_404(client, api):
    cycle = cycle_in(api, "draft_plan")
    sign_in(client, "spu@other.example")
    assert client.get(f"/cycles/{cycle['id']}").status_code == 404
    assert client.get(f"/submissions/{cycle['submissions'][0]['id']}").status_code == 404


def test_firing_from_the_page_moves_the_cycle_and_a_stale_page_is_told_so(client, api):
    cycle = cycle_in(api, "draft_plan")
    sign_in(client, SPU)
    page = client.get(f"/cycles/{cycle['id']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "trigger": "open_input", "expected_version": str(cycle["version"])}
    assert client.post(f"/cycles/{cycle['id']}/transitions", data=form).status_code == 302
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["state"] == "component_input"
    stale = client.post(
        f"/cycles/{cycle['id']}/transitions", data={**form, "trigger": "cancel", "comment": "Kept text"}
    )
    assert stale.status_code == 302  # post/redirect/get: the page it leads to says why, with the text kept
    told = client.get(stale.headers["Location"]).get_data(as_text=True)
    assert "Someone else changed this cycle since you opened the page" in told and "Kept text" in told
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["state"] == "component_input"
    no_csrf = client.post(f"/cycles/{cycle['id']}/transitions", data={"trigger": "cancel", "comment": "x"})
    assert no_csrf.status_code == 400
