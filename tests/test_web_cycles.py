"""The cycle page: steps, the viewer's actions as buttons, refusals, stale forms, the audit trail."""

import datetime as dt

from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from tests.cycle_helpers import SPU, cycle_in, fill_and_submit, ok, start_cycle
from tests.web_helpers import flashes, page, post, post_then_get, signed_in


def _state(app, cycle_id):
    """The cycle as stored (read directly: moving the clock expires API tokens)."""
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        return {"state": cycle.state, "version": cycle.version}


def test_the_cycle_page_draws_the_steps_with_the_current_one_marked(app, api):
    cycle = cycle_in(api, "component_input")
    html = page(signed_in(app, "viewer@demo.example"), f"/cycles/{cycle['id']}")
    assert '<li class="done">' in html and 'class=" current" aria-current="step"' in html
    assert html.index("Draft plan") < html.index("Component input") < html.index("Leadership sign-off")


def test_only_the_actions_the_viewer_may_take_are_offered(app, api):
    cycle = start_cycle(api)
    spu_html = page(signed_in(app, "spu@demo.example"), f"/cycles/{cycle['id']}")
    assert "Open component input</button>" in spu_html
    danger_zone = spu_html.split('id="danger-h"')[1]  # cancelling stands apart, below everything else
    assert "Cancel the cycle…</summary>" in danger_zone and "Why this cycle is cancelled (required)" in danger_zone
    fp_html = page(signed_in(app, "civ.fp@demo.example"), f"/cycles/{cycle['id']}")
    assert "</button>" not in fp_html.split("<main")[1].replace("Sign out</button>", "")


def test_a_forbidden_action_posted_anyway_is_refused_and_changes_nothing(app, api):
    cycle = start_cycle(api)
    client = signed_in(app, "lead@demo.example")
    post(
        client,
        f"/cycles/{cycle['id']}/transitions",
        {"trigger": "open_input", "expected_version": cycle["version"]},
        status=403,
    )
    assert _state(app, cycle["id"])["state"] == "draft_plan"


def test_firing_an_action_says_what_happened(app, api):
    cycle = start_cycle(api)
    client = signed_in(app, "spu@demo.example")
    post(
        client,
        f"/cycles/{cycle['id']}/transitions",
        {"trigger": "open_input", "expected_version": cycle["version"], "page": "cycle"},
    )
    assert "The cycle is now at “Component input”." in flashes(page(client, f"/cycles/{cycle['id']}"))[0]
    assert _state(app, cycle["id"])["state"] == "component_input"


def test_a_stale_form_tells_the_user_and_keeps_the_comment(app, api):
    cycle = start_cycle(api)
    client = signed_in(app, "spu@demo.example")
    ok(api(SPU).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "open_input"}))
    html = post_then_get(
        client,
        f"/cycles/{cycle['id']}/transitions",
        {"trigger": "cancel", "comment": "Mission drawdown", "expected_version": cycle["version"]},
    )
    assert "Someone else changed this cycle" in html and "Mission drawdown</textarea>" in html
    assert _state(app, cycle["id"])["state"] == "component_input"


def test_a_required_comment_is_asked_for_next_to_its_box(app, api):
    cycle = start_cycle(api)
    html = post_then_get(
        signed_in(app, "spu@demo.example"),
        f"/cycles/{cycle['id']}/transitions",
        {"trigger": "cancel", "comment": "  ", "expected_version": cycle["version"], "confirmed": "y"},
    )
    assert "needs a comment" in html and 'class="field has-error"' in html
    assert _state(app, cycle["id"])["state"] == "draft_plan"


def test_going_ahead_after_the_deadline_asks_for_the_reason(app, api, frozen_clock):
    cycle = cycle_in(api, "component_input")
    fill_and_submit(api, cycle["submissions"][0])
    client = signed_in(app, "spu@demo.example")
    before = page(client, f"/cycles/{cycle['id']}")
    assert "give the reason for going ahead" not in before
    assert "you can go ahead without it after Oct 15, 2026, with a reason." in before  # beside a disabled button
    frozen_clock.set(dt.datetime(2026, 10, 17, 8, tzinfo=dt.UTC))
    client = signed_in(app, "spu@demo.example")  # days later: the first session has timed out
    version = _state(app, cycle["id"])["version"]
    assert "give the reason for going ahead without it." in page(client, f"/cycles/{cycle['id']}")
    html = post_then_get(
        client,
        f"/cycles/{cycle['id']}/transitions",
        {"trigger": "start_review", "expected_version": version},
    )
    assert "give the reason for going ahead" in html
    post(
        client,
        f"/cycles/{cycle['id']}/transitions",
        {"trigger": "start_review", "expected_version": version, "comment": "MIL and POL late; review cannot wait."},
    )
    assert _state(app, cycle["id"])["state"] == "joint_review"
    assert "MIL and POL late; review cannot wait." in page(client, f"/cycles/{cycle['id']}")


def test_input_is_returned_to_a_chosen_component_with_a_comment(app, api):
    cycle = cycle_in(api, "joint_review")
    mil = next(s for s in cycle["submissions"] if s["component"] == "MIL")
    client = signed_in(app, "spu@demo.example")
    html = page(client, f"/cycles/{cycle['id']}/review")
    assert f'<option value="{mil["id"]}">Force — Endorsed</option>' in html
    post(
        client,
        f"/cycles/{cycle['id']}/transitions",
        {
            "trigger": "return_to_component",
            "submission": mil["id"],
            "page": "review",
            "comment": "Casualty figures missing.",
            "expected_version": cycle["version"],
        },
    )
    returned = ok(api(SPU).get(f"/api/v1/submissions/{mil['id']}"))
    assert returned["state"] == "returned"


def test_the_audit_trail_shows_times_in_the_missions_time_zone(app, api):
    cycle = start_cycle(api)
    html = page(signed_in(app, "viewer@demo.example"), f"/cycles/{cycle['id']}")
    assert "Africa/Bangui" in html and "2026-10-01 09:00" in html  # 08:00 UTC is 09:00 in Bangui


def test_a_malformed_transition_form_is_refused_without_a_500(app, api):
    cycle = start_cycle(api)
    client = signed_in(app, "spu@demo.example")
    html = post_then_get(client, f"/cycles/{cycle['id']}/transitions", {"trigger": "", "expected_version": "abc"})
    assert "This field is required." in html
    url = f"/cycles/{cycle['id']}/transitions"
    html = post_then_get(client, url, {"trigger": "explode", "expected_version": cycle["version"]})
    assert "unknown trigger &#39;explode&#39;" in html
    html = post_then_get(client, url, {"trigger": "close", "expected_version": cycle["version"]})
    assert "“Close the cycle” is not possible at this step (Draft plan). Possible now: Open component input" in html
