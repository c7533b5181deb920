"""Indicator values in component input: checked against each indicator's kind and range."""

from __future__ import annotations

import pytest

from tests.cycle_helpers import fp, ok, start_cycle
from tests.framework_helpers import published_framework


@pytest.fixture
def submissions(api):
    published_framework(api)
    cycle = start_cycle(api)
    ok(api("spu@demo.example").post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "open_input"}))
    return {s["component"]: s["id"] for s in cycle["submissions"]}


def put_values(api, submissions, code, values):
    return api(fp(code)).put(f"/api/v1/submissions/{submissions[code]}", json={"indicator_values": values})


def test_a_focal_point_saves_values_of_every_kind_with_notes_and_no_data(api, submissions):
    ok(
        put_values(
            api,
            submissions,
            "MIL",
            [
                {"indicator": "MIL-1", "value": 97, "note": "JOC database"},
                {"indicator": "MIL-2", "value": None, "no_data_reason": "Patrol logs lost in the flood"},
            ],
        )
    )
    ok(
        put_values(
            api, submissions, "CIV", [{"indicator": "CIV-1", "value": True}, {"indicator": "CIV-2", "value": "Medium"}]
        )
    )
    ok(put_values(api, submissions, "POL", [{"indicator": "POL-1", "value": 41.5}]))
    mil = ok(api("viewer@demo.example").get(f"/api/v1/submissions/{submissions['MIL']}"))["indicator_values"]
    assert [{k: v[k] for k in ("indicator", "value", "note", "no_data_reason")} for v in mil] == [
        {"indicator": "MIL-1", "value": 97, "note": "JOC database", "no_data_reason": None},
        {"indicator": "MIL-2", "value": None, "note": "", "no_data_reason": "Patrol logs lost in the flood"},
    ]
    assert mil[0]["period"] == "2026-Q4" and mil[0]["component"] == "MIL"
    civ = ok(api(fp("CIV")).get(f"/api/v1/submissions/{submissions['CIV']}"))["indicator_values"]
    assert [(v["indicator"], v["value"]) for v in civ] == [("CIV-1", True), ("CIV-2", "Medium")]
    pol = ok(api(fp("POL")).get(f"/api/v1/submissions/{submissions['POL']}"))["indicator_values"]
    assert pol[0]["value"] == 41.5


def test_saving_again_replaces_the_values(api, submissions):
    ok(put_values(api, submissions, "MIL", [{"indicator": "MIL-1", "value": 97}, {"indicator": "MIL-2", "value": 3}]))
    ok(put_values(api, submissions, "MIL", [{"indicator": "MIL-1", "value": 90}]))
    values = ok(api(fp("MIL")).get(f"/api/v1/submissions/{submissions['MIL']}"))["indicator_values"]
    assert [(v["indicator"], v["value"]) for v in values] == [("MIL-1", 90)]


WRONG = [  # component, item, the field named, words of the message
    ("POL", {"indicator": "POL-1", "value": 101}, "indicator_values.POL-1.value", "between 0 and 100"),
    ("POL", {"indicator": "POL-1", "value": -1}, "indicator_values.POL-1.value", "between 0 and 100"),
    ("POL", {"indicator": "POL-1", "value": "lots"}, "indicator_values.POL-1.value", "must be a number"),
    ("MIL", {"indicator": "MIL-1", "value": 2.5}, "indicator_values.MIL-1.value", "whole number"),
    ("MIL", {"indicator": "MIL-1", "value": -3}, "indicator_values.MIL-1.value", "whole number"),
    ("MIL", {"indicator": "MIL-1", "value": True}, "indicator_values.MIL-1.value", "not true/false"),
    ("CIV", {"indicator": "CIV-1", "value": 2}, "indicator_values.CIV-1.value", "true or false"),
    ("CIV", {"indicator": "CIV-2", "value": "Excellent"}, "indicator_values.CIV-2.value", "Low, Medium, High"),
    ("CIV", {"indicator": "CIV-2", "value": None}, "indicator_values.CIV-2.no_data_reason", "say why"),
    (
        "CIV",
        {"indicator": "CIV-2", "value": "Low", "no_data_reason": "x"},
        "indicator_values.CIV-2.no_data_reason",
        "only without",
    ),
    ("CIV", {"indicator": "MIL-1", "value": 3}, "indicator_values[0].indicator", "not an indicator of this component"),
    ("CIV", {"indicator": "CIV-1", "value": True, "colour": "red"}, "indicator_values[0].colour", "unknown field"),
    ("CIV", "CIV-1", "indicator_values[0]", "object"),
]


def test_wrong_values_are_refused_naming_the_indicator_and_field(api, submissions):
    for component, item, field, words in WRONG:
        response = put_values(api, submissions, component, [item])
        assert response.status_code == 422, (item, response.get_json())
        error = response.get_json()["error"]
        assert field in error["fields"], (item, error)
        assert words in error["fields"][field], (item, error)
        assert ok(api(fp(component)).get(f"/api/v1/submissions/{submissions[component]}"))["indicator_values"] == []


def test_one_wrong_value_saves_none_of_the_others(api, submissions):
    response = put_values(
        api,
        submissions,
        "MIL",
        [{"indicator": "MIL-1", "value": 5}, {"indicator": "MIL-2", "value": "x"}, {"indicator": "MIL-1", "value": 6}],
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {
        "indicator_values.MIL-2.value",
        "indicator_values.MIL-1.indicator",
    }
    assert ok(api(fp("MIL")).get(f"/api/v1/submissions/{submissions['MIL']}"))["indicator_values"] == []


def test_values_of_a_cycle_without_a_framework_are_refused(api):
    cycle = start_cycle(api)
    mil = next(s for s in cycle["submissions"] if s["component"] == "MIL")
    response = api(fp("MIL")).put(
        f"/api/v1/submissions/{mil['id']}", json={"indicator_values": [{"indicator": "MIL-1", "value": 1}]}
    )
    assert response.status_code == 422
    assert (
        ok(api(fp("MIL")).put(f"/api/v1/submissions/{mil['id']}", json={"indicator_values": []}))["indicator_values"]
        == []
    )


def test_input_is_submitted_only_when_every_indicator_has_a_value_or_a_reason(api, submissions):
    mil = submissions["MIL"]
    ok(
        api(fp("MIL")).put(
            f"/api/v1/submissions/{mil}",
            json={
                "narrative": "Patrols up.",
                "rating": "some_progress",
                "indicator_values": [{"indicator": "MIL-1", "value": 90}],
            },
        )
    )
    response = api(fp("MIL")).post(f"/api/v1/submissions/{mil}/transitions", json={"trigger": "submit"})
    assert response.status_code == 422
    assert "MIL-2" in response.get_json()["error"]["fields"]["indicator_values"]
    ok(
        put_values(
            api,
            submissions,
            "MIL",
            [{"indicator": "MIL-1", "value": 90}, {"indicator": "MIL-2", "value": None, "no_data_reason": "Logs lost"}],
        )
    )
    assert (
        ok(api(fp("MIL")).post(f"/api/v1/submissions/{mil}/transitions", json={"trigger": "submit"}))["state"]
        == "submitted"
    )
    response = put_values(api, submissions, "MIL", [])
    assert response.status_code == 409  # submitted input is no longer edited


def test_the_focal_point_enters_values_on_the_page_and_sees_what_is_wrong(api, client, submissions):
    from tests.conftest import csrf_token, sign_in

    sign_in(client, fp("CIV"))
    url = f"/submissions/{submissions['CIV']}"
    token = csrf_token(client, url)
    response = client.post(
        url, data={"csrf_token": token, "value-CIV-1": "maybe", "value-CIV-2": "High", "note-CIV-2": "survey"}
    )
    assert response.status_code == 302  # post/redirect/get: the refusal is shown on the page it leads to
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "CIV-1 (Mechanism endorsed) is a yes/no indicator" in page and 'value="survey"' in page
    values = ok(api(fp("CIV")).get(f"/api/v1/submissions/{submissions['CIV']}"))["indicator_values"]
    assert [v["indicator"] for v in values] == ["CIV-2"]  # the readable value is saved as the draft
    response = client.post(
        url, data={"csrf_token": token, "value-CIV-1": "yes", "value-CIV-2": "High", "note-CIV-2": "survey"}
    )
    assert response.status_code == 302
    values = ok(api(fp("CIV")).get(f"/api/v1/submissions/{submissions['CIV']}"))["indicator_values"]
    assert [(v["indicator"], v["value"], v["note"]) for v in values] == [
        ("CIV-1", True, ""),
        ("CIV-2", "High", "survey"),
    ]
    page = client.get(url).get_data(as_text=True)
    assert '<option value="yes" selected>' in page and "<option selected>High</option>" in page
    response = client.post(
        url, data={"csrf_token": token, "value-CIV-1": "yes", "no_data-CIV-2": "1", "reason-CIV-2": "Survey postponed"}
    )
    assert response.status_code == 302
    values = ok(api(fp("CIV")).get(f"/api/v1/submissions/{submissions['CIV']}"))["indicator_values"]
    assert values[1]["no_data_reason"] == "Survey postponed" and values[1]["value"] is None
