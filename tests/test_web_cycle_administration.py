"""The pages of a running cycle: the SPU moves the deadline, adds or excuses a component and writes
the guidance from the overview (each form redirects; a refused one comes back with what was typed and
its errors); the joint review and the sign-off show each component's indicator values."""

from __future__ import annotations

import re

from cpas_workflow.demo_history import load as load_history
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from tests.cycle_helpers import SPU, cycle_in, fire, fire_submission, fp, head, ok, start_cycle
from tests.web_helpers import flashes, page, post_then_get, signed_in


def test_the_spu_moves_the_deadline_from_the_cycle_page_and_a_refusal_keeps_what_was_typed(app, api):
    cid = cycle_in(api, "component_input")["id"]
    spu = signed_in(app, SPU)
    html = page(spu, f"/cycles/{cid}")
    assert 'id="admin-deadline"' in html and 'id="admin-add"' not in html  # every component takes part
    refused = post_then_get(spu, f"/cycles/{cid}/input-deadline", {"deadline-input_due": "2026-10-29"})
    summary = refused.split('id="admin-deadline-errors"')[1].split("</div>")[0]
    assert "Give the reason." in summary and 'href="#deadline-reason"' in summary
    assert 'value="2026-10-29"' in refused  # the date typed is kept
    done = post_then_get(
        spu, f"/cycles/{cid}/input-deadline", {"deadline-input_due": "2026-10-29", "deadline-reason": "Elections"}
    )
    assert "The input deadline is now 2026-10-29" in flashes(done)[0]
    assert ok(api(SPU).get(f"/api/v1/cycles/{cid}"))["input_due"] == "2026-10-29"
    assert 'id="admin-h"' not in page(signed_in(app, fp("CIV")), f"/cycles/{cid}")  # the SPU's alone


def test_the_spu_excuses_and_adds_components_from_the_cycle_page(app, api):
    cid = ok(fire(api, SPU, start_cycle(api, components=("CIV", "MIL"))["id"], "open_input"))["id"]
    spu = signed_in(app, SPU)
    added = post_then_get(spu, f"/cycles/{cid}/components", {"add-component": "POL", "add-reason": "Mandate"})
    assert "POL now takes part in this cycle." in flashes(added)[0]
    excused = post_then_get(
        spu, f"/cycles/{cid}/components/excuse", {"excuse-component": "MIL", "excuse-reason": "Redeployed"}
    )
    assert "MIL is excused" in flashes(excused)[0] and "excused</span>" in excused
    assert [s["is_required"] for s in ok(api(SPU).get(f"/api/v1/cycles/{cid}"))["submissions"]] == [True, False, True]


def test_the_guidance_written_on_the_draft_plan_step_is_on_every_submission_page(app, api):
    cycle = start_cycle(api)
    cid = cycle["id"]
    spu = signed_in(app, SPU)
    assert 'id="admin-guidance"' in page(spu, f"/cycles/{cid}")
    post_then_get(spu, f"/cycles/{cid}/guidance", {"guidance-guidance": "Say where the **figures** come from."})
    ok(fire(api, SPU, cid, "open_input"))
    sid = cycle["submissions"][0]["id"]
    html = page(signed_in(app, fp(cycle["submissions"][0]["component"])), f"/submissions/{sid}")
    assert "Say where the <strong>figures</strong> come from." in html.split('id="guidance-h"')[1]


def test_the_joint_review_and_the_sign_off_show_each_components_values(app, api):
    with app.app_context():
        load_history(db.session.scalar(db.select(Mission).where(Mission.code == "DEMO")))
        db.session.commit()
    cycle = ok(fire(api, SPU, start_cycle(api)["id"], "open_input"))
    values = {
        "CIV": [
            {"indicator": "CIV-1", "value": 25, "note": "Survey"},
            {"indicator": "CIV-2", "value": 70},
            {"indicator": "CIV-3", "value": True},
            {"indicator": "CIV-4", "value": None, "no_data_reason": "No access to the west"},
        ],
        "MIL": [{"indicator": f"MIL-{n}", "value": 10 + n} for n in range(1, 5)],
        "POL": [
            {"indicator": "POL-1", "value": 55},
            {"indicator": "POL-2", "value": 1300},
            {"indicator": "POL-3", "value": "High"},
            {"indicator": "POL-4", "value": 500},
        ],
    }
    for s in cycle["submissions"]:
        code = s["component"]
        body = {"narrative": "Done.", "rating": "on_track", "indicator_values": values[code]}
        ok(api(fp(code)).put(f"/api/v1/submissions/{s['id']}", json=body))
        ok(fire_submission(api, fp(code), s["id"], "submit"))
        ok(fire_submission(api, head(code), s["id"], "endorse"))
    ok(fire(api, SPU, cycle["id"], "start_review"))
    spu = signed_in(app, SPU)
    review = page(spu, f"/cycles/{cycle['id']}/review")
    civ = review.split(f'id="sub-{cycle["submissions"][0]["id"]}"')[1].split("</article>")[0]
    assert "CIV-1" in civ and "Survey" in civ and "No access to the west" in civ
    assert len(re.findall(r'<table class="values">', review)) == 3
    ok(fire(api, SPU, cycle["id"], "submit_for_signoff"))
    signoff = page(signed_in(app, "lead@demo.example"), f"/cycles/{cycle['id']}/sign-off")
    assert len(re.findall(r'<table class="values">', signoff)) == 3 and "POL-3" in signoff and "High" in signoff
