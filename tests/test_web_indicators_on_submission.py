"""The submission page shows the component's indicator values and leads to where they are entered."""

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
    assert "MIL-1" in page and "not reported" in page
    assert f'href="/submissions/{mil["id"]}/indicators"' in page and "Enter indicator values" in page
    assert "indicators still need a value" in page
    cycle_page = client.get(f"/cycles/{cycle['id']}").get_data(as_text=True)
    assert f'href="/cycles/{cycle["id"]}/assessment"' in cycle_page
