"""My tasks, the mission dashboard and the start-a-cycle form."""

import re

from sqlalchemy import select

from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from tests.cycle_helpers import cycle_in, start_cycle
from tests.web_helpers import flashes, page, post, signed_in


def test_my_tasks_lists_open_tasks_soonest_first_with_overdue_ones_marked(app, api, frozen_clock):
    cycle = cycle_in(api, "component_input")
    client = signed_in(app, "civ.fp@demo.example")
    html = page(client, "/")
    assert "Submit Civilian component input for 2026-Q4" in html
    assert f'href="/submissions/{cycle["submissions"][0]["id"]}"' in html
    assert 'class="overdue"' not in html and "overdue</strong>" not in html  # ("overdue only" is a filter)
    frozen_clock.advance(days=20)
    client = signed_in(app, "civ.fp@demo.example")  # days later: the first session has timed out
    assert 'class="overdue"' in page(client, "/")


def test_my_tasks_links_each_task_to_where_its_work_is_done(app, api):
    cycle = cycle_in(api, "joint_review")
    html = page(signed_in(app, "spu@demo.example"), "/")
    assert f'href="/cycles/{cycle["id"]}/review"' in html


def test_people_with_several_roles_see_counts_per_mission_and_role(app, api):
    cycle_in(api, "component_input")
    with app.app_context():
        from cpas_workflow.accounts.operations import assign_role, find_user
        from cpas_workflow.cycles.queries import get_mission

        user = find_user("civ.fp@demo.example")
        assign_role(user, "focal_point", get_mission("DEMO", find_user("admin@demo.example")), "MIL")
        db.session.commit()
    html = page(signed_in(app, "civ.fp@demo.example"), "/")
    counts = re.findall(r"<li><strong>(\d+)</strong> DEMO · Focal point</li>", html)
    assert counts == ["2"]


def test_the_dashboard_shows_each_cycle_with_its_state_progress_and_days_left(app, api):
    cycle = cycle_in(api, "component_input")
    html = page(signed_in(app, "viewer@demo.example"), "/missions/DEMO")
    assert cycle["title"] in html and "Component input" in html
    assert "0/3" in html and "14 days left" in html
    assert 'aria-current="step"' in html
    assert "Component input opened" in html  # the timeline, in words said after the fact
    assert "Start a cycle" not in html  # a viewer may not


def test_another_missions_pages_do_not_exist_for_the_caller(app, api):
    cycle = start_cycle(api)
    other = signed_in(app, "spu@other.example")
    for url in [
        "/missions/DEMO",
        "/missions/DEMO/follow-up",
        "/missions/DEMO/cycles/new",
        f"/cycles/{cycle['id']}",
        f"/cycles/{cycle['id']}/review",
        f"/cycles/{cycle['id']}/sign-off",
        f"/submissions/{cycle['submissions'][0]['id']}",
    ]:
        page(other, url, status=404)
    post(other, f"/cycles/{cycle['id']}/transitions", {"trigger": "cancel", "comment": "mine now"}, status=404)


def test_only_the_spu_may_open_the_start_cycle_form(app, demo):
    page(signed_in(app, "lead@demo.example"), "/missions/DEMO/cycles/new", status=403)
    post(
        signed_in(app, "lead@demo.example"),
        "/missions/DEMO/cycles/new",
        {"workflow": "quarterly_assessment", "period": "2026-Q4", "input_due": "2026-10-15", "components": ["CIV"]},
        status=403,
    )


def test_starting_a_cycle_refuses_bad_input_next_to_the_field_and_keeps_what_was_typed(app, demo):
    client = signed_in(app, "spu@demo.example")
    base = {
        "workflow": "quarterly_assessment",
        "title": "My title",
        "input_due": "2026-10-15",
        "components": ["CIV", "MIL"],
    }
    html = post(client, "/missions/DEMO/cycles/new", {**base, "period": "next quarter"}, status=422)
    assert "period must look like 2026-Q4" in html and 'value="next quarter"' in html and 'value="My title"' in html
    html = post(
        client, "/missions/DEMO/cycles/new", {**base, "period": "2026-Q4", "input_due": "2026-09-01"}, status=422
    )
    assert "already past" in html
    html = post(client, "/missions/DEMO/cycles/new", {**base, "period": "2026-Q4", "input_due": "soon"}, status=422)
    assert "Not a valid date value." in html
    html = post(client, "/missions/DEMO/cycles/new", {**base, "period": "2026-Q4", "components": []}, status=422)
    assert "Choose at least one component." in html
    with app.app_context():
        assert db.session.scalars(select(Cycle)).all() == []


def test_starting_a_cycle_opens_its_page_and_says_so(app, demo):
    client = signed_in(app, "spu@demo.example")
    response = client.post(
        "/missions/DEMO/cycles/new",
        data={
            "workflow": "quarterly_assessment",
            "period": "2026-Q4",
            "input_due": "2026-10-15",
            "components": ["CIV", "POL"],
            "csrf_token": re.search(
                r'name="csrf_token" type="hidden" value="([^"]+)"', page(client, "/missions/DEMO/cycles/new")
            ).group(1),
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "DEMO 2026-Q4 quarterly performance assessment" in html
    assert "started" in flashes(html)[0] and "MIL — Force" not in html


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(app, demo):
    client = signed_in(app, "spu@demo.example")
    post(
        client,
        "/missions/DEMO/cycles/new",
        {"workflow": "quarterly_assessment", "period": "2026-Q4", "input_due": "2026-10-15", "components": ["CIV"]},
        csrf=None,
        status=400,
    )
    with app.app_context():
        assert db.session.scalars(select(Cycle)).all() == []
