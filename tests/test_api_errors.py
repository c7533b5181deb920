"""Bad input of every kind gets the documented error code, a message naming the fault, no change."""

import pytest

from tests.cycle_helpers import SPU, cycle_in, fire, fp, ok

OTHER_SPU = "spu@other.example"


def test_a_token_is_issued_for_a_right_password_only(client, demo):
    good = client.post("/api/v1/tokens", json={"email": "SPU@demo.example ", "password": "demo-password"})
    assert good.status_code == 201 and set(good.get_json()) == {"token", "expires_at"}
    bad = client.post("/api/v1/tokens", json={"email": "spu@demo.example", "password": "wrong-password"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "unauthorized"
    nobody = client.post("/api/v1/tokens", json={"email": "nobody@demo.example", "password": "demo-password"})
    assert nobody.status_code == 401 and nobody.get_json() == bad.get_json()


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic c3B1OmRlbW8=", "bearer "])
def test_calls_without_a_valid_token_are_401(client, demo, header):
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert "token" in response.get_json()["error"]["message"]


def test_a_token_expires(api, frozen_clock):
    user = api(SPU)
    headers = user.headers
    frozen_clock.advance(hours=13)
    assert user.client.get("/api/v1/me", headers=headers).status_code == 401


def test_me_names_the_roles(api):
    me = ok(api(fp("MIL")).get("/api/v1/me"))
    assert me["email"] == "mil.fp@demo.example"
    assert me["roles"] == [{"role": "focal_point", "mission": "DEMO", "component": "MIL"}]


def test_missions_are_those_the_caller_may_see(api):
    assert [m["code"] for m in ok(api(SPU).get("/api/v1/missions"))] == ["DEMO"]
    assert [m["code"] for m in ok(api(OTHER_SPU).get("/api/v1/missions"))] == ["OTHER"]
    assert [m["code"] for m in ok(api("hq@demo.example").get("/api/v1/missions"))] == ["DEMO", "OTHER"]
    demo = ok(api(SPU).get("/api/v1/missions"))[0]
    assert demo["components"] == [
        {"code": "CIV", "name": "Civilian component", "kind": "civilian"},
        {"code": "MIL", "name": "Force", "kind": "military"},
        {"code": "POL", "name": "Police (UNPOL)", "kind": "police"},
    ]


def test_workflows_list_the_definitions(api):
    names = {w["name"]: w for w in ok(api(SPU).get("/api/v1/workflows"))}
    assert {"quarterly_assessment", "component_submission", "mission_plan"} <= set(names)
    assert names["quarterly_assessment"]["version"] >= 1 and names["quarterly_assessment"]["title"]


def test_another_missions_objects_are_404_everywhere(api):
    cycle = cycle_in(api, "followup")
    sub, rec = cycle["submissions"][0]["id"], cycle["recommendations"][0]["id"]
    other = api(OTHER_SPU)
    for method, url, body in [
        ("get", f"/api/v1/cycles/{cycle['id']}", None),
        ("get", f"/api/v1/cycles/{cycle['id']}/events", None),
        ("post", f"/api/v1/cycles/{cycle['id']}/transitions", {"trigger": "close"}),
        (
            "post",
            f"/api/v1/cycles/{cycle['id']}/recommendations",
            {"title": "t", "body": "b", "component": "CIV", "due": "2027-01-01"},
        ),
        ("get", f"/api/v1/submissions/{sub}", None),
        ("put", f"/api/v1/submissions/{sub}", {"narrative": "x"}),
        ("post", f"/api/v1/submissions/{sub}/transitions", {"trigger": "submit"}),
        ("get", f"/api/v1/recommendations/{rec}", None),
        ("post", f"/api/v1/recommendations/{rec}/decision", {"decision": "approve"}),
        ("post", f"/api/v1/recommendations/{rec}/updates", {"status": "done", "note": "x"}),
        ("get", "/api/v1/missions/DEMO/cycles", None),
        (
            "post",
            "/api/v1/missions/DEMO/cycles",
            {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2027-01-01", "components": ["CIV"]},
        ),
        ("get", "/api/v1/cycles/999999", None),
        ("get", "/api/v1/missions/NOPE/cycles", None),
    ]:
        response = getattr(other, method)(url, **({"json": body} if body is not None else {}))
        assert response.status_code == 404, (method, url, response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["state"] == "followup"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("{not json", "application/json", "not valid JSON"),
        ("", "application/json", "needs a JSON object"),
        ("[1, 2]", "application/json", "must be a JSON object"),
        ('"open_input"', "application/json", "must be a JSON object"),
        ('{"trigger": "open_input"}', "text/plain", None),
    ],
)
def test_malformed_bodies_are_400_and_change_nothing(api, body, content_type, message):
    cycle = cycle_in(api, "draft_plan")
    user = api(SPU)
    response = user.client.post(
        f"/api/v1/cycles/{cycle['id']}/transitions", data=body, headers={**user.headers, "Content-Type": content_type}
    )
    if message is None:  # a JSON body sent as text/plain is still read as JSON: clients forget the header
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["state"] == "draft_plan"


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"trigger": 5}, "trigger", 400),
        ({"trigger": None}, "trigger", 400),
        ({"trigger": ["open_input"]}, "trigger", 400),
        ({}, "trigger", 400),
        ({"trigger": "open_input", "expected_version": "1"}, "expected_version", 400),
        ({"trigger": "open_input", "expected_version": True}, "expected_version", 400),
        ({"trigger": "open_input", "comment": 42}, "comment", 400),
        ({"trigger": "open_input", "colour": "blue"}, "colour", 400),
        ({"trigger": "fly_away"}, "trigger", 422),
        ({"trigger": "open_input", "comment": "x" * 20_001}, "comment", 422),
    ],
)
def test_fields_of_the_wrong_type_unknown_or_out_of_range_name_the_field(api, body, field, status):
    cycle = cycle_in(api, "draft_plan")
    response = api(SPU).post(f"/api/v1/cycles/{cycle['id']}/transitions", json=body)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert field in error["fields"] and error["message"]
    after = ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))
    assert (after["state"], after["version"]) == ("draft_plan", cycle["version"])
    assert len(ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}/events"))) == 1


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"narrative": "x" * 20_001}, "narrative", 422),
        ({"narrative": 12}, "narrative", 400),
        ({"rating": "excellent"}, "rating", 422),
        ({"rating": 3}, "rating", 400),
        ({"indicator_values": "none"}, "indicator_values", 400),
        ({"expected_version": 99, "narrative": "x"}, None, 409),
    ],
)
def test_a_bad_submission_edit_is_refused_whole(api, body, field, status):
    cycle = cycle_in(api, "component_input")
    sub = cycle["submissions"][0]
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{sub['id']}", json={"narrative": "Kept.", "rating": "on_track"}))
    response = api(fp("CIV")).put(f"/api/v1/submissions/{sub['id']}", json={"rating": "regression", **body})
    assert response.status_code == status, response.get_json()
    if field:
        assert field in response.get_json()["error"]["fields"]
    after = ok(api(fp("CIV")).get(f"/api/v1/submissions/{sub['id']}"))
    assert (after["narrative"], after["rating"]) == ("Kept.", "on_track")


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"workflow": "nope", "period": "2027-Q1", "input_due": "2027-01-10", "components": ["CIV"]}, "workflow", 422),
        (
            {"workflow": "component_submission", "period": "2027-Q1", "input_due": "2027-01-10", "components": ["CIV"]},
            "workflow",
            422,
        ),
        (
            {"workflow": "quarterly_assessment", "period": "Q1 2027", "input_due": "2027-01-10", "components": ["CIV"]},
            "period",
            422,
        ),
        (
            {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2027-02-30", "components": ["CIV"]},
            "input_due",
            422,
        ),
        (
            {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "10/01/2027", "components": ["CIV"]},
            "input_due",
            422,
        ),
        (
            {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2026-09-01", "components": ["CIV"]},
            "input_due",
            422,
        ),
        (
            {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2027-01-10", "components": []},
            "components",
            422,
        ),
        (
            {
                "workflow": "quarterly_assessment",
                "period": "2027-Q1",
                "input_due": "2027-01-10",
                "components": ["CIV", "NAVY"],
            },
            "components",
            422,
        ),
        (
            {
                "workflow": "quarterly_assessment",
                "period": "2027-Q1",
                "input_due": "2027-01-10",
                "components": ["CIV", "CIV"],
            },
            "components",
            422,
        ),
        (
            {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2027-01-10", "components": "CIV"},
            "components",
            400,
        ),
        (
            {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2027-01-10", "components": [1]},
            "components",
            400,
        ),
        ({"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2027-01-10"}, "components", 400),
        (
            {
                "workflow": "quarterly_assessment",
                "period": "2027-Q1",
                "input_due": "2027-01-10",
                "components": ["CIV"],
                "title": "t" * 201,
            },
            "title",
            422,
        ),
    ],
)
def test_a_bad_new_cycle_is_refused_and_nothing_is_created(api, body, field, status):
    response = api(SPU).post("/api/v1/missions/DEMO/cycles", json=body)
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert ok(api(SPU).get("/api/v1/missions/DEMO/cycles")) == []


def test_only_the_spu_starts_a_cycle_and_never_twice_for_a_period(api):
    body = {"workflow": "quarterly_assessment", "period": "2027-Q1", "input_due": "2027-01-10", "components": ["CIV"]}
    for email in ("lead@demo.example", fp("CIV"), "viewer@demo.example", "hq@demo.example", "admin@demo.example"):
        assert api(email).post("/api/v1/missions/DEMO/cycles", json=body).status_code == 403
    ok(api(SPU).post("/api/v1/missions/DEMO/cycles", json=body), 201)
    again = api(SPU).post("/api/v1/missions/DEMO/cycles", json=body)
    assert again.status_code == 422 and "already has" in again.get_json()["error"]["message"]
    assert len(ok(api(SPU).get("/api/v1/missions/DEMO/cycles"))) == 1


def test_an_expected_version_that_is_stale_is_a_conflict(api):
    cycle = cycle_in(api, "draft_plan")
    stale = fire(api, SPU, cycle["id"], "open_input", expected_version=cycle["version"] + 1)
    assert stale.status_code == 409 and "changed by someone else" in stale.get_json()["error"]["message"]
    moved = ok(fire(api, SPU, cycle["id"], "open_input", expected_version=cycle["version"]))
    replay = fire(api, SPU, cycle["id"], "cancel", comment="x", expected_version=cycle["version"])
    assert replay.status_code == 409
    assert ok(api(SPU).get(f"/api/v1/cycles/{cycle['id']}"))["state"] == moved["state"] == "component_input"


def test_recommendation_rules(api):
    cycle = cycle_in(api, "joint_review")
    url = f"/api/v1/cycles/{cycle['id']}/recommendations"
    good = {"title": "A", "body": "B", "component": "MIL", "due": "2027-01-31"}
    assert api("lead@demo.example").post(url, json=good).status_code == 403
    for patch, field, status in [
        ({"component": "NAVY"}, "component", 422),
        ({"due": "2026-01-01"}, "due", 422),
        ({"title": ""}, "title", 422),
        ({"title": "x" * 201}, "title", 422),
        ({"body": None}, "body", 400),
    ]:
        response = api(SPU).post(url, json={**good, **patch})
        assert response.status_code == status and field in response.get_json()["error"]["fields"], (
            patch,
            response.get_json(),
        )
    rec = ok(api(SPU).post(url, json=good), 201)
    assert set(rec) >= {"id", "title", "body", "component", "due", "decision", "status"}
    decision = api("lead@demo.example").post(
        f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}
    )
    assert decision.status_code == 409  # not yet in sign-off
    ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    assert api(SPU).post(url, json=good).status_code == 409
    lead = api("lead@demo.example")
    for body, status in [
        ({"decision": "maybe"}, 422),
        ({"decision": "amend"}, 422),
        ({"decision": "approve", "body": "new"}, 422),
        ({}, 400),
    ]:
        assert lead.post(f"/api/v1/recommendations/{rec['id']}/decision", json=body).status_code == status, body
    assert (
        api(SPU).post(f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}).status_code == 403
    )
    assert ok(lead.get(f"/api/v1/recommendations/{rec['id']}"))["decision"] is None


def test_markdown_comes_back_as_typed_and_sanitized_beside_it(api):
    cycle = cycle_in(api, "component_input")
    sub = cycle["submissions"][0]
    typed = "**Bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    body = ok(api(fp("CIV")).put(f"/api/v1/submissions/{sub['id']}", json={"narrative": typed}))
    assert body["narrative"] == typed
    html = body["narrative_html"]
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_unknown_endpoints_and_methods_answer_json(api):
    assert api(SPU).get("/api/v1/nothing-here").get_json()["error"]["code"] == "not_found"
    response = api(SPU).client.delete("/api/v1/me", headers=api(SPU).headers)
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_preferences_start_daily_and_change_within_their_choices(api):
    user = api(fp("POL"))
    assert ok(user.get("/api/v1/me/preferences")) == {"notify": "daily", "language": "en"}
    assert ok(user.put("/api/v1/me/preferences", json={"notify": "weekly", "language": "fr"})) == {
        "notify": "weekly",
        "language": "fr",
    }
    bad = user.put("/api/v1/me/preferences", json={"notify": "hourly"})
    assert bad.status_code == 422 and "notify" in bad.get_json()["error"]["fields"]
    assert user.put("/api/v1/me/preferences", json={"language": 1}).status_code == 400
    assert ok(user.get("/api/v1/me/preferences")) == {"notify": "weekly", "language": "fr"}


def test_the_openapi_document_describes_every_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops if method != "parameters"}
    import re

    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = re.sub(
            r"<(?:\w+:)?(\w+)>",
            lambda m: "{" + ("id" if m.group(1).endswith("_id") else m.group(1)) + "}",
            rule.rule[len("/api/v1") :],
        )
        choice = re.search(r"<any\(([^)]*)\):\w+>", path)
        paths = [path.replace(choice.group(0), alt.strip()) for alt in choice.group(1).split(",")] if choice else [path]
        for path, method in ((p, m) for p in paths for m in rule.methods - {"HEAD", "OPTIONS"}):
            assert (path, method.lower()) in documented, (path, method)


@pytest.mark.parametrize(
    "url", ["/api/v1/cycles/{n}", "/api/v1/submissions/{n}", "/api/v1/recommendations/{n}", "/api/v1/cycles/{n}/events"]
)
def test_ids_too_large_for_the_database_are_not_found_rather_than_an_error(api, url):
    response = api(SPU).get(url.format(n=2**64 + 7))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
