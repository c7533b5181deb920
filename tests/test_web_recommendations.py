"""Joint review drafting, leadership's decisions at sign-off, and the follow-up board."""

import re

from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import Recommendation
from tests.cycle_helpers import cycle_in
from tests.web_helpers import flashes, page, post, post_then_get, signed_in, token

DRAFT = {"title": "Protect civilians", "body": "Deploy **patrols**.", "component": "MIL", "due": "2026-12-01"}


def _recs(app):
    with app.app_context():
        return [
            (r.title, r.decision, r.status, r.body)
            for r in db.session.scalars(db.select(Recommendation).order_by(Recommendation.id))
        ]


def test_the_joint_review_shows_every_components_input_side_by_side(app, api):
    cycle = cycle_in(api, "joint_review")
    html = page(signed_in(app, "viewer@demo.example"), f"/cycles/{cycle['id']}/review")
    assert html.count('<article class="card"') == 3 and "CIV made progress." in html and "POL made progress." in html
    assert "Draft a recommendation" not in html


def test_the_spu_drafts_a_recommendation_and_bad_input_is_refused_next_to_the_field(app, api):
    cycle = cycle_in(api, "joint_review")
    client = signed_in(app, "spu@demo.example")
    url = f"/cycles/{cycle['id']}/recommendations"
    # refused: post/redirect/get to the review page, opening on the problems, what was typed kept
    response = client.post(url, data={**DRAFT, "title": "", "csrf_token": token(client)})
    assert response.status_code == 302 and response.headers["Location"].endswith("?kept=1#draft-errors")
    html = page(client, response.headers["Location"])
    assert "This field is required." in html and "Deploy **patrols**.</textarea>" in html
    assert re.search(r'<div class="error-summary" id="draft-errors" [^>]*autofocus', html)
    html = post_then_get(client, url, {**DRAFT, "due": "2026-01-01"})
    assert "already past" in html and 'value="Protect civilians"' in html
    assert "already past" not in page(client, f"/cycles/{cycle['id']}/review")  # a plain visit: a fresh form
    assert _recs(app) == []
    post(client, url, DRAFT)
    assert "Recommendation “Protect civilians” added." in flashes(page(client, f"/cycles/{cycle['id']}/review"))[0]
    assert _recs(app)[0][0] == "Protect civilians"


def test_only_the_spu_drafts_recommendations(app, api):
    cycle = cycle_in(api, "joint_review")
    post(signed_in(app, "lead@demo.example"), f"/cycles/{cycle['id']}/recommendations", DRAFT, status=403)
    assert _recs(app) == []


def test_leadership_decides_each_recommendation_and_amending_needs_the_new_text(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    rec_id = cycle["recommendations"][0]["id"]
    lead = signed_in(app, "lead@demo.example")
    html = page(lead, f"/cycles/{cycle['id']}/sign-off")
    assert (
        "Consolidated assessment" in html
        and "community alert networks" in html
        and f'name="r{rec_id}-decision"' in html
    )
    url = f"/recommendations/{rec_id}/decision"
    post(lead, url, {f"r{rec_id}-comment": "Hmm"}, prefix=f"r{rec_id}-")  # refused: back to the sign-off
    html = page(lead, f"/cycles/{cycle['id']}/sign-off?kept=1")
    assert "Choose a decision." in html and "Hmm</textarea>" in html
    post(lead, url, {f"r{rec_id}-decision": "amend", f"r{rec_id}-body": ""}, prefix=f"r{rec_id}-")
    html = page(lead, f"/cycles/{cycle['id']}/sign-off?kept=1")
    assert "body must not be empty" in html and 'id="decision-errors"' in html
    assert 'id="decision-errors"' not in page(lead, f"/cycles/{cycle['id']}/sign-off")  # a plain visit: no errors
    post(
        lead,
        url,
        {f"r{rec_id}-decision": "amend", f"r{rec_id}-body": "Networks in **every** prefecture."},
        prefix=f"r{rec_id}-",
    )
    assert _recs(app)[0][1:] == ("amended", None, "Networks in **every** prefecture.")


def test_someone_other_than_leadership_cannot_decide(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    rec_id = cycle["recommendations"][0]["id"]
    assert (
        'name="r'
        not in page(signed_in(app, "spu@demo.example"), f"/cycles/{cycle['id']}/sign-off")
        .split("Recommendations for decision")[1]
        .split("What you can do")[0]
    )
    post(
        signed_in(app, "spu@demo.example"),
        f"/recommendations/{rec_id}/decision",
        {f"r{rec_id}-decision": "approve"},
        prefix=f"r{rec_id}-",
        status=403,
    )
    assert _recs(app)[0][1] is None


def test_the_follow_up_board_takes_dated_updates_and_marks_overdue_actions(app, api, frozen_clock):
    cycle = cycle_in(api, "followup")
    rec_id = cycle["recommendations"][0]["id"]
    head = signed_in(app, "civ.head@demo.example")
    html = page(head, "/missions/DEMO/follow-up")
    assert "Strengthen early warning" in html and "overdue</strong>" not in html
    url = f"/recommendations/{rec_id}/updates?component=CIV"  # the board as it was filtered stays so
    response = head.post(
        url, data={f"u{rec_id}-status": "done", f"u{rec_id}-note": "", f"u{rec_id}-csrf_token": token(head)}
    )
    assert response.status_code == 302  # post/redirect/get: back on the board, at the refused update
    assert "component=CIV" in response.headers["Location"]
    assert response.headers["Location"].endswith(f"#update-errors-{rec_id}")
    html = page(head, response.headers["Location"])
    assert "This field is required." in html and f'id="update-errors-{rec_id}"' in html
    assert '<option selected value="done">' in html or 'value="done" selected' in html  # the status chosen, kept
    post(
        head, url, {f"u{rec_id}-status": "in_progress", f"u{rec_id}-note": "Two networks set up."}, prefix=f"u{rec_id}-"
    )
    html = page(head, "/missions/DEMO/follow-up")
    assert "Two networks set up." in html and "2026-10-01 09:00" in html
    frozen_clock.set(frozen_clock_value(2027, 1, 5))
    assert "overdue</strong>" in page(signed_in(app, "viewer@demo.example"), "/missions/DEMO/follow-up")


def test_only_the_owner_component_head_or_the_spu_may_update(app, api):
    cycle = cycle_in(api, "followup")
    rec_id = cycle["recommendations"][0]["id"]
    post(
        signed_in(app, "mil.head@demo.example"),
        f"/recommendations/{rec_id}/updates",
        {f"u{rec_id}-status": "done", f"u{rec_id}-note": "Not mine."},
        prefix=f"u{rec_id}-",
        status=403,
    )
    assert _recs(app)[0][2] == "open"


def frozen_clock_value(year, month, day):
    import datetime as dt

    return dt.datetime(year, month, day, 8, tzinfo=dt.UTC)
