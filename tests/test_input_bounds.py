"""Every input is bounded and typed at the edge: bodies too deep or too large, strings that cannot be
stored, numbers out of range, dates too far ahead, line breaks in one-line fields, ids beyond the
database's range. Each is refused with 400 (malformed) or 422 (a field out of range) naming the problem,
never a 500, and nothing is stored."""

from __future__ import annotations

import pytest

from tests.cycle_helpers import LEAD, SPU, cycle_in, fp, ok, start_cycle
from tests.web_helpers import post, signed_in, text

NEW_CYCLE = {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2027-01-10", "components": ["CIV"]}


def _raw(user, method: str, url: str, body: str | bytes):
    headers = {**user.headers, "Content-Type": "application/json"}
    return getattr(user.client, method)(url, data=body, headers=headers)


def test_deeply_nested_json_is_refused_before_sign_in_with_a_400(client, demo):
    for depth in (50, 100_000):
        body = '{"email": ' + "[" * depth + "]" * depth + ', "password": "x"}'
        response = client.post("/api/v1/tokens", data=body, content_type="application/json")
        assert response.status_code == 400, (depth, response.status_code)
        assert "nested" in response.get_json()["error"]["message"]


def test_a_body_larger_than_the_limit_is_refused_with_a_400(client, demo, app):
    limit = app.config["CPAS_MAX_JSON_BYTES"]
    body = '{"email": "' + "a" * limit + '", "password": "x"}'
    response = client.post("/api/v1/tokens", data=body, content_type="application/json")
    assert response.status_code == 400 and "larger than" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"narrative": "before \\ud800 after"}', "narrative"),
        ('{"narrative": "a \\u0000 NUL"}', "narrative"),
        ('{"indicator_values": [{"indicator": "X", "note": "\\udfff"}]}', "indicator_values[0].note"),
        ('{"narrative": "ok", "\\ud83d": 1}', "(a key)"),
    ],
)
def test_strings_that_cannot_be_stored_are_refused_and_nothing_changes(api, raw, field):
    cycle = cycle_in(api, "component_input")
    sub = cycle["submissions"][0]
    user = api(fp(sub["component"]))
    ok(user.put(f"/api/v1/submissions/{sub['id']}", json={"narrative": "Kept."}))
    response = _raw(user, "put", f"/api/v1/submissions/{sub['id']}", raw)
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert ok(user.get(f"/api/v1/submissions/{sub['id']}"))["narrative"] == "Kept."


@pytest.mark.parametrize(
    ("raw", "status", "field"),
    [
        ('{"trigger": "open_input", "expected_version": 1' + "0" * 400 + "}", 422, "expected_version"),
        ('{"trigger": "open_input", "expected_version": ' + "9" * 1001 + "}", 400, "body"),
        ('{"trigger": "open_input", "expected_version": 1e400}', 400, "body"),
        ('{"trigger": "open_input", "expected_version": NaN}', 400, "body"),
        ('{"trigger": "open_input", "expected_version": -Infinity}', 400, "body"),
        ('{"trigger": "open_input", "expected_version": 10000000000000000000000}', 422, "expected_version"),
        ('{"trigger": "open_input", "expected_version": -1}', 422, "expected_version"),
        ('{"trigger": "return_to_component", "submission": 99999999999999999999}', 422, "submission"),
        ('{"trigger": "open_input", "comment": 12345678901234567890123}', 400, "comment"),
    ],
)
def test_numbers_must_be_finite_and_within_the_fields_range(api, raw, status, field):
    cycle = start_cycle(api)
    response = _raw(api(SPU), "post", f"/api/v1/cycles/{cycle['id']}/transitions", raw)
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    after = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))
    assert (after["state"], after["version"]) == ("draft_plan", cycle["version"])


@pytest.mark.parametrize("due", ["9999-12-31", "2031-10-02"])
def test_an_input_deadline_years_ahead_is_refused_and_no_cycle_is_created(api, due):
    response = api(SPU).post("/api/v1/missions/DEMO/cycles", json={**NEW_CYCLE, "input_due": due})
    assert response.status_code == 422, response.get_json()
    assert "input_due" in response.get_json()["error"]["fields"]
    assert "too far ahead" in response.get_json()["error"]["message"]
    assert ok(api(SPU).get("/api/v1/missions/DEMO/cycles")) == []
    # five years ahead (CPAS_MAX_YEARS_AHEAD) is still fine
    ok(api(SPU).post("/api/v1/missions/DEMO/cycles", json={**NEW_CYCLE, "input_due": "2031-10-01"}), 201)


def test_a_recommendation_title_with_a_line_break_is_refused(api):
    cycle = cycle_in(api, "joint_review")
    url = f"/api/v1/cycles/{cycle['id']}/recommendations"
    good = {"title": "A", "body": "B", "component": "CIV", "due": "2026-12-31"}
    for title in ("Fix it\r\nBcc: victim@example.org", "Fix it\nX-Evil: 1", "Fix\u2028it"):
        response = api(SPU).post(url, json={**good, "title": title})
        assert response.status_code == 422, response.get_json()
        assert "line" in response.get_json()["error"]["fields"]["title"]
    far = api(SPU).post(url, json={**good, "due": "9999-12-31"})
    assert far.status_code == 422 and "due" in far.get_json()["error"]["fields"]
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["recommendations"] == cycle["recommendations"]


def test_a_display_name_with_a_line_break_is_refused_on_the_profile(app, api):
    client = signed_in(app, fp("CIV"))
    response = client.post(
        "/profile",
        data={
            "name": "Eve\r\nATTENDEE:mailto:victim@example.org",
            "notify": "daily",
            "language": "en",
            "csrf_token": _token(client),
        },
    )
    assert response.status_code == 422
    assert "without line breaks" in text(response)
    assert "ATTENDEE" not in ok(api(fp("CIV")).get("/api/v1/me"))["name"]


def _token(client) -> str:
    from tests.web_helpers import token

    return token(client)


def test_a_nul_character_in_an_address_or_a_form_is_a_400(app, api):
    assert api(SPU).get("/api/v1/missions/DE%00MO/cycles").status_code == 400
    assert api(SPU).get("/api/v1/missions/DEMO/indicator-values.csv?period=%00").status_code == 400
    client = signed_in(app, SPU)
    assert client.get("/missions/DE%00MO").status_code == 400
    post(client, "/profile", {"name": "Nul\x00Name", "notify": "daily", "language": "en"}, status=400)
    assert ok(api(SPU).get("/api/v1/me"))["name"] != "Nul\x00Name"


def test_a_huge_before_on_the_admin_audit_page_is_a_400(app, demo):
    client = signed_in(app, "admin@demo.example")
    assert client.get("/admin/audit?before=5").status_code == 200
    for before in (str(10**30), "-3", "0"):
        response = client.get(f"/admin/audit?before={before}")
        assert response.status_code == 400, (before, response.status_code)


def test_a_version_beyond_the_database_range_on_a_page_form_is_refused(app, api):
    cycle = start_cycle(api)
    client = signed_in(app, SPU)
    response = client.post(
        f"/cycles/{cycle['id']}/transitions",
        data={"trigger": "open_input", "expected_version": str(10**400), "csrf_token": _token(client)},
    )
    assert response.status_code == 302, response.status_code  # refused: the page it leads to says why
    assert 'class="flash flash-error"' in client.get(response.headers["Location"]).get_data(as_text=True)
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["state"] == "draft_plan"


def test_every_405_says_which_methods_are_allowed(api, client):
    response = api(SPU).client.delete("/api/v1/me", headers=api(SPU).headers)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    response = client.put("/api/v1/tokens", json={})
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    response = client.delete("/sign-in")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_authorization_is_answered_before_validation_on_the_api(api):
    cycle = cycle_in(api, "leadership_signoff")
    sub = cycle["submissions"][0]
    rec = cycle["recommendations"][0]
    for email, method, url in [
        (LEAD, "post", "/api/v1/missions/DEMO/cycles"),
        (LEAD, "post", f"/api/v1/cycles/{cycle['id']}/recommendations"),
        (SPU, "put", f"/api/v1/submissions/{sub['id']}"),
        (SPU, "post", f"/api/v1/recommendations/{rec['id']}/decision"),
        (fp("CIV"), "post", f"/api/v1/recommendations/{rec['id']}/updates"),
        (LEAD, "post", "/api/v1/missions/DEMO/framework/import"),
    ]:
        for body in ({}, {"colour": "blue"}):
            response = getattr(api(email), method)(url, json=body)
            assert response.status_code == 403, (email, url, body, response.get_json())


def test_a_non_spu_posting_the_framework_import_form_gets_403_and_sees_no_draft(app, api):
    from tests.framework_helpers import GOOD_ROWS, csv_bytes, planning_cycle, upload

    planning_cycle(api)
    ok(upload(api, csv_bytes(GOOD_ROWS), "f.csv"), 201)
    bad = [dict(r) for r in GOOD_ROWS]
    bad[2]["baseline"] = "many"
    import io

    for email in (LEAD, fp("MIL"), "viewer@demo.example"):
        client = signed_in(app, email)
        response = client.post(
            "/missions/DEMO/framework/import",
            content_type="multipart/form-data",
            data={"csrf_token": _token(client), "file": (io.BytesIO(csv_bytes(bad)), "f.csv")},
        )
        assert response.status_code == 403, (email, response.status_code)
        assert "Incidents recorded" not in text(response) and "row 4" not in text(response)


def test_an_id_beyond_the_database_range_is_404_for_every_method(api):
    for huge in (2**31, 2**63, 2**70):  # beyond PostgreSQL's INTEGER, BIGINT, and both
        assert api(SPU).get(f"/api/v1/cycles/{huge}").status_code == 404
    huge = 2**70
    assert api(SPU).get(f"/api/v1/submissions/{huge}").status_code == 404
    assert api(SPU).put(f"/api/v1/submissions/{huge}", json={"narrative": "x"}).status_code == 404
    assert api(SPU).post(f"/api/v1/cycles/{huge}/transitions", json={"trigger": "open_input"}).status_code == 404


def test_every_405_of_every_route_carries_allow(app, demo):
    from tests.probe_helpers import urls

    client = app.test_client()
    seen = 0
    ids = {"code": "DEMO", "cycle_id": 1, "submission_id": 1, "recommendation_id": 1, "user_id": 1}
    ids |= {"assignment_id": 1, "message_id": 1, "token": "t", "filename": "x.css"}
    for _endpoint, _method, url in {(e, "", u) for e, _m, u in urls(app, ids)}:
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            response = client.open(url, method=method)
            if response.status_code == 405:
                seen += 1
                allowed = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
                assert allowed and method not in allowed, (method, url, response.headers.get("Allow"))
    assert seen > 100
