"""Mission isolation, generated from the URL map: every route and method, for each role of another
mission, on a mission whose cycle has reached follow-up. Another mission's objects answer 404 (never
403, never data); instance pages answer 403; the caller's own pages show nothing of the other mission."""

from __future__ import annotations

import io

import pytest

from cpas_workflow.extensions import db
from tests.cycle_helpers import cycle_in
from tests.probe_helpers import urls, user_of_other_mission
from tests.web_helpers import signed_in, token

OTHERS = [
    ("spu@other.example", "spu", None),
    ("lead@other.example", "leadership", None),
    ("viewer@other.example", "viewer", None),
    ("civ.fp@other.example", "focal_point", "CIV"),
    ("civ.head@other.example", "component_head", "CIV"),
]
SELF_ENDING = {"web.sign_out", "web.sign_out_everywhere", "api.delete_current_token"}
OBJECT_PARAMETERS = {"code", "cycle_id", "submission_id", "recommendation_id", "attachment_id"}
INSTANCE_ONLY = ("web.admin", "api.admin", "web.hq_comparison")
# What must never appear in another mission's answers: names and titles of the mission's own data.
MARKERS = ("Demo Mission", "Strengthen early warning", "DEMO 2026-Q4", "community alert networks")


@pytest.fixture
def world(app, api):
    cycle = cycle_in(api, "followup")
    evidence = api("spu@demo.example").post(
        f"/api/v1/recommendations/{cycle['recommendations'][0]['id']}/attachments",
        data={"file": (io.BytesIO(b"%PDF-1.4 community alert networks"), "Demo Mission evidence.pdf")},
        content_type="multipart/form-data",
    )
    assert evidence.status_code == 201, evidence.get_json()
    with app.app_context():
        for email, role, component in OTHERS[1:]:
            user_of_other_mission(email, role, component)
        db.session.remove()
    ids = {
        "code": "DEMO",
        "cycle_id": cycle["id"],
        "submission_id": cycle["submissions"][0]["id"],
        "recommendation_id": cycle["recommendations"][0]["id"],
        "user_id": 1,
        "assignment_id": 1,
        "message_id": 1,
        "attachment_id": evidence.get_json()["id"],
    }
    return urls(app, ids)


def _expected(app, endpoint: str) -> int | None:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    if endpoint.startswith(INSTANCE_ONLY):
        return 403
    if set(rule.arguments) & OBJECT_PARAMETERS:
        return 404
    return None  # the caller's own page: anything but a server error, and nothing of DEMO


@pytest.mark.slow
def test_every_route_answers_another_missions_roles_with_404_and_never_data(app, api, world):
    cells = 0
    for email, _role, _component in OTHERS:
        browser = signed_in(app, email)
        csrf = token(browser)
        bearer = api(email).headers
        for endpoint, method, url in world:
            if endpoint in SELF_ENDING:
                continue  # would end the session or token the rest of the matrix uses
            if url.startswith("/api/"):
                response = browser.open(url, method=method, headers=bearer, json={} if method != "GET" else None)
            else:
                data = {"csrf_token": csrf} if method != "GET" else None
                response = browser.open(url, method=method, data=data)
            cells += 1
            body = response.get_data(as_text=True)
            where = (email, method, url, response.status_code)
            assert response.status_code < 500, where
            expected = _expected(app, endpoint)
            if expected is not None:
                assert response.status_code == expected, where
            assert not any(marker in body for marker in MARKERS), where
    assert cells >= 5 * 60
    print(f"isolation matrix: {cells} route × role cells")
