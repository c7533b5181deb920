"""Numbers as people write them: the web form and an imported sheet read text in the person's
language (French 21,5 and 1 500, English 21.5 and 1,500), refuse what cannot be read or could be
read two ways, and every path keeps each indicator kind within its bounds."""

from __future__ import annotations

import pytest

from tests.cycle_helpers import SPU, fp, ok, start_cycle
from tests.framework_helpers import GOOD_ROWS, csv_bytes, planning_cycle, published_framework, upload, xlsx_bytes
from tests.web_helpers import signed_in, text, token


@pytest.fixture
def submissions(api):
    published_framework(api)
    cycle = start_cycle(api)
    ok(api(SPU).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "open_input"}))
    return {s["component"]: s["id"] for s in cycle["submissions"]}


def speaks(api, email: str, language: str) -> None:
    ok(api(email).put("/api/v1/me/preferences", json={"language": language}))


def post_values(app, email: str, submission_id: int, fields: dict):
    client = signed_in(app, email)
    url = f"/submissions/{submission_id}/indicators"
    body = {"csrf_token": token(client, f"/submissions/{submission_id}"), **fields}
    return client, client.post(url, data=body)


def refused(client, response) -> str:
    """The page a refused form leads to (post/redirect/get): what was typed, and the errors."""
    assert response.status_code == 302 and "kept=1" in response.headers["Location"], text(response)
    return text(client.get(response.headers["Location"]))


def stored(api, submission_id: int) -> dict:
    values = ok(api(SPU).get(f"/api/v1/submissions/{submission_id}"))["indicator_values"]
    return {v["indicator"]: v["value"] for v in values}


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("21,5", 21.5),
        ("1 500", 1500),
        ("1\u202f500", 1500),  # narrow no-break space, as French formatting writes it
        ("1\u00a0500,25", 1500.25),  # no-break space
        ("\u22123,5", -3.5),  # a typographic minus sign
        ("21.5", 21.5),  # a point that can only be a decimal sign
    ],
)
def test_a_french_focal_point_types_numbers_the_french_way(app, api, submissions, typed, number):
    speaks(api, fp("MIL"), "fr")
    _client, response = post_values(app, fp("MIL"), submissions["MIL"], {"value-MIL-2": typed})
    assert response.status_code == 302, text(response)
    assert stored(api, submissions["MIL"]) == {"MIL-2": number}


def test_a_french_percentage_may_carry_its_percent_sign(app, api, submissions):
    speaks(api, fp("POL"), "fr")
    _client, response = post_values(app, fp("POL"), submissions["POL"], {"value-POL-1": "62,5 %"})
    assert response.status_code == 302, text(response)
    assert stored(api, submissions["POL"]) == {"POL-1": 62.5}


def test_the_saved_value_comes_back_in_the_form_as_the_reader_writes_it(app, api, submissions):
    speaks(api, fp("MIL"), "fr")
    client, response = post_values(app, fp("MIL"), submissions["MIL"], {"value-MIL-2": "1 500,5"})
    assert response.status_code == 302
    page = text(client.get(f"/submissions/{submissions['MIL']}"))
    assert 'name="value-MIL-2" value="1500,5"' in page
    assert 'type="number"' not in page  # the browser must not rewrite what was typed


@pytest.mark.parametrize(
    ("language", "typed", "words"),
    [
        ("en", "21,5", "not a number as written here"),  # an English reader: 21,5 is not 215
        ("en", "1 500", "not a number as written here"),
        ("fr", "1.500", "could be read two ways"),  # 1.5 or 1500?
        ("fr", "12 34", "not a number as written here"),
        ("fr", "lots", "must be a number"),
        ("fr", "1e5", "must be a number"),
    ],
)
def test_a_number_that_cannot_be_read_or_could_be_read_two_ways_is_refused_and_nothing_is_saved(
    app, api, submissions, language, typed, words
):
    speaks(api, fp("MIL"), language)
    client, response = post_values(app, fp("MIL"), submissions["MIL"], {"value-MIL-2": typed})
    page = refused(client, response)
    error = page.split('id="value-MIL-2"')[1].split("</div>")[0]
    if language == "en":
        assert words in error and "MIL-2" in error
    else:
        assert "MIL-2" in error and 'class="error"' in error
    assert f'value="{typed}"' in page  # what was typed is shown again, not a reinterpretation
    assert stored(api, submissions["MIL"]) == {}


def test_the_french_refusal_is_in_french(app, api, submissions):
    speaks(api, fp("MIL"), "fr")
    client, response = post_values(app, fp("MIL"), submissions["MIL"], {"value-MIL-2": "1.500"})
    assert "peut se lire de deux façons" in refused(client, response)


def test_the_api_keeps_json_numbers_and_refuses_a_locale_string(api, submissions):
    mil = fp("MIL")
    url = f"/api/v1/submissions/{submissions['MIL']}"
    refused = api(mil).put(url, json={"indicator_values": [{"indicator": "MIL-2", "value": "21,5"}]})
    assert refused.status_code == 422
    assert "indicator_values.MIL-2.value" in refused.get_json()["error"]["fields"]
    ok(api(mil).put(url, json={"indicator_values": [{"indicator": "MIL-2", "value": 21.5}]}))
    assert stored(api, submissions["MIL"]) == {"MIL-2": 21.5}


BOUNDS = [  # indicator, value, words of the refusal
    ("MIL-1", 1_000_000_001, "whole number between 0 and"),  # a count below its stated maximum
    ("MIL-1", 10**400, "far too large"),
    ("MIL-1", -1, "between 0 and"),
    ("MIL-2", 1e13, "between"),  # a number within the default range
    ("MIL-2", -1e308, "between"),
    ("MIL-2", 1.7976931348623157e308, "between"),
]


@pytest.mark.parametrize(("indicator", "value", "words"), BOUNDS)
def test_every_kind_keeps_within_its_bounds_through_the_api(api, submissions, indicator, value, words):
    response = api(fp("MIL")).put(
        f"/api/v1/submissions/{submissions['MIL']}",
        json={"indicator_values": [{"indicator": indicator, "value": value}]},
    )
    assert response.status_code == 422, response.get_json()
    assert words in response.get_json()["error"]["fields"][f"indicator_values.{indicator}.value"]
    assert stored(api, submissions["MIL"]) == {}


def test_the_form_keeps_within_the_same_bounds(app, api, submissions):
    client, response = post_values(app, fp("POL"), submissions["POL"], {"value-POL-1": "100.5"})
    assert "between 0 and 100" in refused(client, response)
    client, response = post_values(app, fp("MIL"), submissions["MIL"], {"value-MIL-1": "2,000,000,000"})
    assert "MIL-1" in refused(client, response)
    assert stored(api, submissions["POL"]) == {} and stored(api, submissions["MIL"]) == {}


def _with(code: str, **cells) -> list[dict]:
    return [{**row, **cells} if row.get("code") == code else row for row in GOOD_ROWS]


def test_an_imported_range_narrows_a_number_on_the_api(api):
    published_framework(api, _with("MIL-2", minimum="0", maximum="500"))
    framework = ok(api(SPU).get("/api/v1/missions/DEMO/framework"))
    mil2 = framework["priorities"][0]["outcomes"][0]["outputs"][0]["indicators"][0]
    assert (mil2["code"], mil2["minimum"], mil2["maximum"]) == ("MIL-2", 0, 500)
    cycle = start_cycle(api)
    ok(api(SPU).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "open_input"}))
    mil = next(s["id"] for s in cycle["submissions"] if s["component"] == "MIL")
    url = f"/api/v1/submissions/{mil}"
    refused = api(fp("MIL")).put(url, json={"indicator_values": [{"indicator": "MIL-2", "value": 501}]})
    assert refused.status_code == 422
    assert "between 0 and 500" in refused.get_json()["error"]["fields"]["indicator_values.MIL-2.value"]
    ok(api(fp("MIL")).put(url, json={"indicator_values": [{"indicator": "MIL-2", "value": 500}]}))


def test_an_import_refuses_a_baseline_outside_the_range_and_a_range_on_a_percentage(api):
    planning_cycle(api)
    response = upload(api, csv_bytes(_with("MIL-2", maximum="50", baseline="60")), "framework.csv")
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert any("baseline" in key and "between" in message for key, message in fields.items()), fields
    response = upload(api, csv_bytes(_with("POL-1", maximum="50")), "framework.csv")
    assert response.status_code == 422
    assert any("maximum" in key for key in response.get_json()["error"]["fields"])
    response = upload(api, csv_bytes(_with("MIL-1", target="2000000000")), "framework.csv")
    assert response.status_code == 422


def test_a_french_importer_writes_numbers_the_french_way_in_a_sheet(api):
    speaks(api, SPU, "fr")
    planning_cycle(api)
    rows = _with("MIL-2", baseline="40,5", target="1 500")
    ok(upload(api, csv_bytes(rows), "framework.csv"), 201)
    draft = ok(api(SPU).get("/api/v1/missions/DEMO/framework?version=draft"))
    mil2 = draft["priorities"][0]["outcomes"][0]["outputs"][0]["indicators"][0]
    assert (mil2["baseline"], mil2["target"]) == (40.5, 1500)


def test_an_english_importer_is_refused_a_french_decimal_comma_naming_row_and_column(api):
    planning_cycle(api)
    response = upload(api, csv_bytes(_with("MIL-2", baseline="21,5")), "framework.csv")
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    (key, message), *_rest = [(k, m) for k, m in fields.items() if "baseline" in k]
    assert key.startswith("row ") and "21,5" in message and "not a number as written here" in message


def test_a_numeric_xlsx_cell_is_a_number_whatever_the_importers_language(api):
    speaks(api, SPU, "fr")
    planning_cycle(api)
    rows = _with("MIL-2", baseline=40.5, target=1500)  # numeric cells, not text
    ok(upload(api, xlsx_bytes(rows), "framework.xlsx"), 201)
    draft = ok(api(SPU).get("/api/v1/missions/DEMO/framework?version=draft"))
    mil2 = draft["priorities"][0]["outcomes"][0]["outputs"][0]["indicators"][0]
    assert (mil2["baseline"], mil2["target"]) == (40.5, 1500)
