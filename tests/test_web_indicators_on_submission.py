"""The submission page holds the component's indicator values in the input's one form."""

from cpas_workflow.demo_history import load as load_history
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from tests.conftest import sign_in
from tests.cycle_helpers import SPU, fire, ok, start_cycle


def test_the_submission_page_lists_indicators_and_what_is_missing(app, client, api):
    with app.app_context():
        load_history(db.session.scalar(db.select(Mission).where(Mission.code == "DEMO")))
        db.session.commit()
    cycle = start_cycle(api, period="2026-Q4", input_due="2026-10-15")
    ok(fire(api, SPU, cycle["id"], "open_input"))
    mil = next(s for s in cycle["submissions"] if s["component"] == "MIL")
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
