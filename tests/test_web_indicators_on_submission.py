"""The submission page holds the component's indicator values in the input's one form."""

from cpas_workflow.demo_history import load as load_history
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from tests.conftest import sign_in
from tests.cycle_helpers import SPU, fire, ok, start_cycle
from tests.web_helpers import post_then_get


def _mil_input(app, api):
    """A quarter over the demo's history (a published framework): the cycle, and its MIL input open."""
    with app.app_context():
        load_history(db.session.scalar(db.select(Mission).where(Mission.code == "DEMO")))
        db.session.commit()
    cycle = start_cycle(api, period="2026-Q4", input_due="2026-10-15")
    ok(fire(api, SPU, cycle["id"], "open_input"))
    mil = next(s for s in cycle["submissions"] if s["component"] == "MIL")
    return cycle, mil


def test_the_submission_page_lists_indicators_and_what_is_missing(app, client, api):
    cycle, mil = _mil_input(app, api)
    indicators = [v for v in ok(api(SPU).get("/api/v1/missions/DEMO/framework"))["priorities"]]
    assert indicators  # a published framework exists
    sign_in(client, "mil.fp@demo.example")
    page = client.get(f"/submissions/{mil['id']}").get_data(as_text=True)
    assert "MIL-1" in page and "Last period (2026-Q3):" in page  # last quarter beside each field
    assert 'name="value-MIL-1"' in page and 'name="narrative"' in page  # one form: nothing to leave the page for
    assert "indicators still need a value" in page
    old = client.get(f"/submissions/{mil['id']}/indicators")  # the former separate page leads to the form
    assert old.status_code == 302 and old.headers["Location"].endswith(f"/submissions/{mil['id']}#indicators")
    cycle_page = client.get(f"/cycles/{cycle['id']}").get_data(as_text=True)
    assert f'href="/cycles/{cycle["id"]}/assessment"' in cycle_page


def test_a_refused_submit_lists_its_problems_in_the_order_of_the_page(app, client, api):
    _cycle, mil = _mil_input(app, api)
    sign_in(client, "mil.fp@demo.example")
    typed = {"action": "submit", "narrative": "Patrols.", "rating": "", "expected_version": mil["version"]}
    typed |= {"value-MIL-1": "", "value-MIL-2": "-5", "value-MIL-3": "22", "value-MIL-4": "8"}
    page = post_then_get(client, f"/submissions/{mil['id']}", typed)
    summary = page.split('id="error-summary"')[1].split("</ul>")[0]
    # the bad value is found while saving, the missing one after: listed as the form shows them
    assert [summary.index(f'href="#{box}"') for box in ("rating", "value-MIL-1", "value-MIL-2")] == sorted(
        summary.index(f'href="#{box}"') for box in ("rating", "value-MIL-1", "value-MIL-2")
    )
    assert 'id="value-MIL-1-error"' in page and 'id="value-MIL-2-error"' in page  # and each beside its box
