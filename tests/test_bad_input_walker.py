"""The bad-input walker: every API call that takes a body and every form of the pages, each field in
turn given each class of bad input (strings no database can store, control characters, line breaks in
one-line fields, numbers out of range or not finite, dates far outside any plan, wrong types, bodies
too deep, too large or not JSON, files that are not sheets). Never a 5xx, and the stored data (a dump
of every table) is exactly what it was before."""

from __future__ import annotations

import io
import json

import pytest

from cpas_workflow.extensions import db
from tests.conftest import PASSWORD
from tests.cycle_helpers import LEAD, SPU, cycle_in, fire, fp, head, ok, start_cycle
from tests.framework_helpers import planning_cycle
from tests.probe_helpers import dump
from tests.web_helpers import signed_in, token

ADMIN = "admin@demo.example"


class Raw(str):
    """A JSON literal written as it is into the body (a lone surrogate escape, NaN, 10**400)."""


STORABLE_NOT = [Raw('"a\\ud800b"'), "a\x00b", "a\x01b", "x" * 20_001]
LINE_BREAKS = ["one\r\nBcc: victim@example.org", "one\u2028two"]
NUMBERS = [Raw("1" + "0" * 400), Raw("1e400"), Raw("NaN"), Raw("-Infinity"), -1, 2**70, "1", True, 1.5]
DATES = ["9999-12-31", "0001-01-01", "2026-02-30", "tomorrow", 20261231]
TYPES = [None, [], {}, [[[[["deep"]]]]]]
CLASSES = {
    "text": STORABLE_NOT + [5, []],
    "line": STORABLE_NOT + LINE_BREAKS + [5, []],
    "choice": STORABLE_NOT + LINE_BREAKS + ["nonsense", 5],
    "int": NUMBERS + TYPES[1:],
    "date": DATES + STORABLE_NOT + TYPES,
    "list": ["CIV", [1], [Raw('"\\udfff"')], ["x"] * 2000, {"a": 1}, None],
}
WHOLE_BODIES = [
    b"[" * 5000 + b"]" * 5000,
    b'{"a": ' + b"{" * 100 + b"}" * 100 + b"}",
    b"\xff\xfe not utf-8",
    b"{not json",
    b'"a string"',
    b"",
    b'{"x": "' + b"y" * (2 * 1024 * 1024) + b'"}',
]


def _body(valid: dict, field: str, value) -> bytes:
    body = {**valid, field: "@@RAW@@" if isinstance(value, Raw) else value}
    text = json.dumps(body)
    return (text.replace('"@@RAW@@"', str(value)) if isinstance(value, Raw) else text).encode()


@pytest.fixture
def world(app, api):
    """Cycles in several states (so each call meets a state where it could act) and a planning cycle."""
    review = cycle_in(api, "leadership_signoff")
    follow = cycle_in(api, "followup", period="2026-Q3", input_due="2026-10-10")
    editing = ok(fire(api, SPU, start_cycle(api, period="2027-Q1")["id"], "open_input"))
    planning_cycle(api)
    return {
        "review": review,
        "follow": follow,
        "editing": editing,
        "sub": editing["submissions"][0],
        "rec": review["recommendations"][0],
        "action": follow["recommendations"][0],
    }


def _api_calls(w: dict) -> list[tuple[str, str, str, dict, dict[str, str]]]:
    """(user, method, url, a body the call takes, {field: kind}) for every API call with a body."""
    sub = w["sub"]
    code = sub["component"]
    return [
        (SPU, "post", "/api/v1/tokens", {"email": SPU, "password": PASSWORD}, {"email": "line", "password": "text"}),
        (SPU, "put", "/api/v1/me/preferences", {"notify": "daily"}, {"notify": "choice", "language": "choice"}),
        (
            SPU,
            "post",
            "/api/v1/missions/DEMO/cycles",
            {"workflow": "quarterly_assessment", "period": "2027-Q2", "input_due": "2026-12-01", "components": ["CIV"]},
            {"workflow": "choice", "period": "line", "title": "line", "input_due": "date", "components": "list"},
        ),
        (
            SPU,
            "post",
            f"/api/v1/cycles/{w['editing']['id']}/transitions",
            {"trigger": "cancel", "comment": "Stop."},
            {"trigger": "choice", "comment": "text", "expected_version": "int", "submission": "int"},
        ),
        (
            SPU,
            "post",
            f"/api/v1/cycles/{w['review']['id']}/recommendations",
            {"title": "T", "body": "B", "component": "CIV", "due": "2026-12-31"},
            {"title": "line", "body": "text", "component": "line", "due": "date"},
        ),
        (
            fp(code),
            "put",
            f"/api/v1/submissions/{sub['id']}",
            {"narrative": "N", "rating": "on_track"},
            {"narrative": "text", "rating": "choice", "indicator_values": "list", "expected_version": "int"},
        ),
        (
            fp(code),
            "post",
            f"/api/v1/submissions/{sub['id']}/transitions",
            {"trigger": "submit"},
            {"trigger": "choice", "comment": "text", "expected_version": "int"},
        ),
        (
            LEAD,
            "post",
            f"/api/v1/recommendations/{w['rec']['id']}/decision",
            {"decision": "reject", "comment": "No."},
            {"decision": "choice", "comment": "text", "body": "text"},
        ),
        (
            SPU,
            "post",
            f"/api/v1/recommendations/{w['action']['id']}/updates",
            {"status": "done", "note": "Done."},
            {"status": "choice", "note": "text"},
        ),
    ]


@pytest.mark.slow
def test_every_api_call_refuses_every_class_of_bad_input_and_stores_nothing(app, api, world):
    with app.app_context():
        before = dump()
    sent = 0
    for email, method, url, valid, fields in _api_calls(world):
        user = api(email)
        headers = {**user.headers, "Content-Type": "application/json"}
        bodies = [_body(valid, f, v) for f, kind in fields.items() for v in CLASSES[kind]] + WHOLE_BODIES
        for body in bodies:
            response = getattr(user.client, method)(url, data=body, headers=headers)
            sent += 1
            assert response.status_code in (400, 401, 403, 404, 409, 413, 422), (url, body[:120], response.status_code)
            assert response.is_json and response.get_json()["error"]["message"], (url, body[:120])
        with app.app_context():
            assert dump() == before, (url, "stored data changed")
    assert sent > 300
    print(f"bad-input walker, API: {sent} requests")


def _forms(w: dict) -> list[tuple[str, str, dict, dict[str, str]]]:
    """(user, url, the fields a valid post has, {field: kind}) for every form of the pages."""
    sub, rec, action = w["sub"], w["rec"], w["action"]
    r, u = f"r{rec['id']}-", f"u{action['id']}-"
    return [
        (
            SPU,
            "/missions/DEMO/cycles/new",
            {"workflow": "quarterly_assessment", "period": "2027-Q2", "input_due": "2026-12-01", "components": "CIV"},
            {"workflow": "choice", "period": "line", "title": "line", "input_due": "date", "components": "choice"},
        ),
        (
            SPU,
            f"/cycles/{w['editing']['id']}/transitions",
            {"trigger": "cancel", "comment": "Stop."},
            {"trigger": "choice", "comment": "text", "expected_version": "int", "submission": "int"},
        ),
        (
            SPU,
            f"/cycles/{w['review']['id']}/recommendations",
            {"title": "T", "body": "B", "component": "CIV", "due": "2026-12-31"},
            {"title": "line", "body": "text", "component": "choice", "due": "date"},
        ),
        (
            LEAD,
            f"/recommendations/{rec['id']}/decision",
            {f"{r}decision": "reject", f"{r}comment": "No."},
            {f"{r}decision": "choice", f"{r}comment": "text", f"{r}body": "text"},
        ),
        (
            SPU,
            f"/recommendations/{action['id']}/updates",
            {f"{u}status": "done", f"{u}note": "Done."},
            {f"{u}status": "choice", f"{u}note": "text"},
        ),
        (
            fp(sub["component"]),
            f"/submissions/{sub['id']}",
            {"narrative": "N", "rating": "on_track", "action": "save"},
            {"narrative": "text", "rating": "choice", "expected_version": "int"},
        ),
        (
            fp(sub["component"]),
            f"/submissions/{sub['id']}/transitions",
            {"trigger": "submit"},
            {"trigger": "choice", "comment": "text", "expected_version": "int"},
        ),
        (head(sub["component"]), f"/submissions/{sub['id']}/comments", {"body": "C"}, {"body": "text"}),
        (
            fp(sub["component"]),
            f"/submissions/{sub['id']}/indicators",
            {"expected_version": "999"},  # stale: this form's values depend on the framework (test_numbers_input)
            {"expected_version": "int"},
        ),
        (SPU, "/profile", {"name": "N", "notify": "daily", "language": "en"}, {"name": "line", "notify": "choice"}),
        (SPU, "/me/notifications", {"notify": "daily"}, {"notify": "choice"}),
        (
            SPU,
            "/profile/password",
            {"current_password": "wrong", "new_password": "n" * 12, "confirm": "n" * 12},
            {"current_password": "line", "new_password": "line"},
        ),
        (
            ADMIN,
            "/admin/missions",
            {"code": "NEW", "name": "N", "timezone": "UTC"},
            {"code": "line", "name": "line", "timezone": "line"},
        ),
        (ADMIN, "/admin/missions/DEMO", {"name": "N", "timezone": "UTC"}, {"name": "line", "timezone": "line"}),
        (
            ADMIN,
            "/admin/missions/DEMO/components",
            {"code": "NEW", "name": "N", "kind": "civilian"},
            {"code": "line", "name": "line", "kind": "choice"},
        ),
        (
            ADMIN,
            "/admin/users",
            {"email": "new@demo.example", "name": "N", "password": ""},
            {"email": "line", "name": "line", "password": "line"},
        ),
        (
            ADMIN,
            "/admin/users/1/roles",
            {"role": "viewer", "mission": "DEMO"},
            {"role": "choice", "mission": "choice", "component": "line"},
        ),
        (ADMIN, "/admin/users/1/status", {}, {"is_enabled": "choice"}),
    ]


def _form_value(value) -> str:
    """A bad class as a browser can send it: text (a browser sends no JSON types)."""
    if isinstance(value, Raw):
        return str(value).strip('"').replace("\\ud800", "\udcff").replace("\\udfff", "\udcff")
    if value is None or isinstance(value, list | dict):
        return ""
    return str(value)


@pytest.mark.slow
def test_every_form_refuses_every_class_of_bad_input_and_stores_nothing(app, api, world):
    with app.app_context():
        before = dump()
    browsers: dict[str, object] = {}
    sent = 0
    for email, url, valid, fields in _forms(world):
        browser = browsers.setdefault(email, signed_in(app, email))
        csrf = token(browser)
        for field, kind in fields.items():
            for value in CLASSES[kind]:
                if (kind in ("text", "line") and not isinstance(value, str)) or (kind == "int" and value == "1"):
                    continue  # a form sends text only: "5" is a fine title, "1" a fine number
                text = _form_value(value)
                if not text or "\udcff" in text:
                    continue  # an empty value is a missing field (covered by the forms' own tests)
                response = browser.post(url, data={**valid, field: text, "csrf_token": csrf})
                sent += 1
                assert response.status_code < 500, (url, field, text[:80], response.status_code)
        with app.app_context():
            assert dump() == before, (url, "stored data changed")
    # files that are not framework sheets
    spu = browsers[SPU]
    for name, data in [
        ("f.xlsx", b"PK\x03\x04junk"),
        ("f.csv", b"\xff\xfe"),
        ("f.csv", b"a," * 70_000),
        ("f.exe", b"MZ"),
    ]:
        response = spu.post(
            "/missions/DEMO/framework/import",
            content_type="multipart/form-data",
            data={"csrf_token": token(spu), "file": (io.BytesIO(data), name)},
        )
        sent += 1
        assert response.status_code in (302, 400, 422), (name, response.status_code)
    with app.app_context():
        assert dump() == before
        db.session.remove()
    assert sent > 150
    print(f"bad-input walker, forms: {sent} requests")
