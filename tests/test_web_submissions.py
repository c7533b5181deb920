"""The submission form: preview, draft, submit; a head's endorse and return; refusals and stale forms."""

import datetime as dt

from cpas_workflow.extensions import db
from cpas_workflow.submissions.models import Submission
from tests.cycle_helpers import cycle_in, fill_and_submit, fp, ok
from tests.web_helpers import flashes, page, post, post_then_get, signed_in, token


def _stored(app, submission_id):
    with app.app_context():
        s = db.session.get(Submission, submission_id)
        return {"state": s.state, "narrative": s.narrative, "rating": s.rating, "version": s.version}


def _civ(cycle):
    return next(s for s in cycle["submissions"] if s["component"] == "CIV")


def test_the_focal_point_sees_the_form_with_a_place_for_indicator_values(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    html = page(signed_in(app, fp("CIV")), f"/submissions/{sub['id']}")
    assert 'name="narrative"' in html and 'name="rating"' in html and 'id="indicators"' in html
    assert "Submit for endorsement" in html
    assert 'name="narrative"' not in page(signed_in(app, "viewer@demo.example"), f"/submissions/{sub['id']}")


def test_the_preview_is_rendered_and_sanitized_on_the_server_and_nothing_is_saved(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    client = signed_in(app, fp("CIV"))
    html = post_then_get(
        client,
        f"/submissions/{sub['id']}",
        {
            "action": "preview",
            "narrative": "**Bold** <script>alert(1)</script>",
            "rating": "",
            "expected_version": sub["version"],
        },
    )
    assert "<strong>Bold</strong>" in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html  # what was typed stays in the box
    assert _stored(app, sub["id"])["narrative"] == ""


def test_a_draft_is_saved_and_then_submitted(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    client = signed_in(app, fp("CIV"))
    post(
        client,
        f"/submissions/{sub['id']}",
        {"action": "save", "narrative": "Half done.", "rating": "", "expected_version": sub["version"]},
    )
    assert flashes(page(client, f"/submissions/{sub['id']}"))[0] == "Draft saved."
    stored = _stored(app, sub["id"])
    assert stored["narrative"] == "Half done." and stored["state"] == "pending"
    post(
        client,
        f"/submissions/{sub['id']}",
        {"action": "submit", "narrative": "All done.", "rating": "on_track", "expected_version": stored["version"]},
    )
    assert _stored(app, sub["id"])["state"] == "submitted"


def test_submitting_without_a_rating_is_refused_next_to_the_rating_and_the_text_is_kept_as_a_draft(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    client = signed_in(app, fp("CIV"))
    response = client.post(
        f"/submissions/{sub['id']}",
        data={
            "csrf_token": token(client),
            "action": "submit",
            "narrative": "My careful text.",
            "rating": "",
            "expected_version": sub["version"],
        },
    )
    assert response.status_code == 302  # a reload of the page never sends the form again
    assert response.headers["Location"].endswith(f"/submissions/{sub['id']}?kept=1#error-summary")
    html = page(client, response.headers["Location"])
    assert "choose a progress rating" in html and "My careful text.</textarea>" in html
    assert 'class="error-summary"' in html and 'href="#rating"' in html
    assert _stored(app, sub["id"]) | {"version": 0} == {
        "state": "pending",
        "narrative": "My careful text.",
        "rating": None,
        "version": 0,
    }
    assert "error-summary" not in page(client, f"/submissions/{sub['id']}")  # the plain page: no old errors


def test_every_problem_of_a_refused_submit_is_listed_at_once(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    html = post_then_get(
        signed_in(app, fp("CIV")),
        f"/submissions/{sub['id']}",
        {"action": "submit", "narrative": "", "rating": "", "expected_version": sub["version"]},
    )
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert "write the narrative" in summary and "choose a progress rating" in summary
    assert 'href="#narrative"' in summary and 'href="#rating"' in summary
    assert html.count('class="error"') == 2  # and each beside its field


def test_an_unknown_rating_is_refused_and_what_was_typed_comes_back(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    html = post_then_get(
        signed_in(app, fp("CIV")),
        f"/submissions/{sub['id']}",
        {"action": "save", "narrative": "x", "rating": "brilliant", "expected_version": sub["version"]},
    )
    assert "Not a valid choice" in html and "x</textarea>" in html
    assert _stored(app, sub["id"])["narrative"] == ""  # input no record can hold: nothing saved


def test_a_stale_submission_form_keeps_what_was_typed_and_shows_the_saved_text(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{sub['id']}", json={"narrative": "Saved by a colleague."}))
    html = post_then_get(
        signed_in(app, fp("CIV")),
        f"/submissions/{sub['id']}",
        {"action": "save", "narrative": "My version.", "rating": "", "expected_version": sub["version"]},
    )
    assert (
        "Someone else saved this submission" in html
        and "My version.</textarea>" in html
        and "Saved by a colleague." in html
    )
    assert _stored(app, sub["id"])["narrative"] == "Saved by a colleague."


def test_someone_who_may_not_edit_is_refused(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    for email in ("viewer@demo.example", fp("MIL")):
        post(
            signed_in(app, email),
            f"/submissions/{sub['id']}",
            {"action": "save", "narrative": "x", "rating": ""},
            status=403,
        )
    assert _stored(app, sub["id"])["narrative"] == ""


def test_the_head_returns_with_a_comment_and_endorses(app, api):
    cycle = cycle_in(api, "component_input")
    sub = _civ(cycle)
    fill_and_submit(api, sub, endorse=False)
    head = signed_in(app, "civ.head@demo.example")
    html = page(head, f"/submissions/{sub['id']}")
    assert "Endorse</button>" in html and "Return with comment</button>" in html
    version = _stored(app, sub["id"])["version"]
    html = post_then_get(
        head, f"/submissions/{sub['id']}/transitions", {"trigger": "return", "comment": "", "expected_version": version}
    )
    assert "needs a comment" in html and 'id="trigger-errors"' in html
    post(
        head,
        f"/submissions/{sub['id']}/transitions",
        {"trigger": "return", "comment": "Add figures.", "expected_version": version},
    )
    assert _stored(app, sub["id"])["state"] == "returned"
    assert "Add figures." in page(head, f"/cycles/{cycle['id']}")
    fill_and_submit(api, sub, endorse=False)
    post(
        head,
        f"/submissions/{sub['id']}/transitions",
        {"trigger": "endorse", "expected_version": _stored(app, sub["id"])["version"]},
    )
    assert _stored(app, sub["id"])["state"] == "endorsed"


def test_a_focal_point_cannot_endorse_their_own_input(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    fill_and_submit(api, sub, endorse=False)
    post(signed_in(app, fp("CIV")), f"/submissions/{sub['id']}/transitions", {"trigger": "endorse"}, status=403)
    assert _stored(app, sub["id"])["state"] == "submitted"


def test_comments_on_an_input_are_added_from_the_joint_review_and_shown_with_it(app, api):
    cycle = cycle_in(api, "joint_review")
    sub = _civ(cycle)
    spu = signed_in(app, "spu@demo.example")
    html = post_then_get(spu, f"/submissions/{sub['id']}/comments", {"body": "", "back": "review"})
    assert "This field is required." in html
    post(spu, f"/submissions/{sub['id']}/comments", {"body": "Where do the **figures** come from?", "back": "review"})
    review = page(spu, f"/cycles/{cycle['id']}/review")
    assert "Comment added to the CIV input." in flashes(review)[0] and "<strong>figures</strong>" in review
    assert "Where do the" in page(signed_in(app, fp("CIV")), f"/submissions/{sub['id']}")
    assert "Commented: Civilian component input" in page(spu, f"/cycles/{cycle['id']}")  # in the audit trail


def test_a_viewer_reads_comments_but_may_not_add_any(app, api):
    sub = _civ(cycle_in(api, "joint_review"))
    viewer = signed_in(app, "viewer@demo.example")
    assert 'name="body"' not in page(viewer, f"/submissions/{sub['id']}")
    post(viewer, f"/submissions/{sub['id']}/comments", {"body": "Hello"}, status=403)
    post(signed_in(app, "spu@other.example"), f"/submissions/{sub['id']}/comments", {"body": "Hello"}, status=404)


def test_the_page_after_a_refusal_submits_once_the_problem_is_fixed(app, api):
    import re

    sub = _civ(cycle_in(api, "component_input"))
    client = signed_in(app, fp("CIV"))
    html = post_then_get(
        client,
        f"/submissions/{sub['id']}",
        {"action": "submit", "narrative": "Kept.", "rating": "", "expected_version": sub["version"]},
    )
    form = html.split('class="submission"')[1].split("</form>")[0]
    version = re.search(r'name="expected_version" type="hidden" value="(\d+)"', form).group(1)
    assert int(version) == _stored(app, sub["id"])["version"]  # goes on from the draft saved now
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post(
        f"/submissions/{sub['id']}",
        data={
            "csrf_token": csrf,
            "action": "submit",
            "narrative": "Kept.",
            "rating": "on_track",
            "expected_version": version,
        },
    )
    assert response.status_code == 302 and "kept" not in response.headers["Location"]
    assert _stored(app, sub["id"])["state"] == "submitted"


def test_the_returned_input_shows_why_who_when_and_the_revisions_own_due_date_above_the_form(app, api):
    from tests.cycle_helpers import fire_submission, head

    sub = _civ(cycle_in(api, "component_input"))
    fill_and_submit(api, sub, endorse=False)
    ok(fire_submission(api, head("CIV"), sub["id"], "return", comment="Add the **west**."))
    html = page(signed_in(app, fp("CIV")), f"/submissions/{sub['id']}")
    returned = html.split('class="returned"')[1].split("</section>")[0]
    assert "Add the <strong>west</strong>." in returned and "2026-10-01" in returned
    assert html.index('class="returned"') < html.index('class="submission"')  # above the form
    assert html.index('id="comments-') < html.index('class="submission"')  # with the discussion
    # returned on 1 October, five days before the deadline: due back by the deadline, as My tasks says
    assert "Due Oct 15, 2026" in html and "Revision due" not in html  # one date, said once
    tasks = ok(api(fp("CIV")).get("/api/v1/tasks"))
    assert [t["due"] for t in tasks if "Revise" in t["title"]] == ["2026-10-15"]


def test_input_returned_after_the_deadline_gets_five_days_to_be_revised(app, api, frozen_clock):
    from tests.cycle_helpers import fire_submission, head

    sub = _civ(cycle_in(api, "component_input"))
    fill_and_submit(api, sub, endorse=False)
    frozen_clock.set(dt.datetime(2026, 10, 14, 8, tzinfo=dt.UTC))  # the day before the deadline
    ok(fire_submission(api, head("CIV"), sub["id"], "return", comment="Add the west."))
    tasks = ok(api(fp("CIV")).get("/api/v1/tasks"))
    assert [t["due"] for t in tasks if "Revise" in t["title"]] == ["2026-10-19"]  # 14 + 5, past the 15th
    html = page(signed_in(app, fp("CIV")), f"/submissions/{sub['id']}")
    assert "Revision due Oct 19, 2026 (input deadline Oct 15, 2026)" in html


def test_a_stale_save_or_endorsement_is_refused_with_what_happened_and_what_was_typed_kept(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    opened = _stored(app, sub["id"])["version"]
    ok(
        api(fp("CIV")).put(
            f"/api/v1/submissions/{sub['id']}", json={"narrative": "Colleague's text.", "rating": "on_track"}
        )
    )
    civ = signed_in(app, fp("CIV"))
    typed = {"narrative": "My text.", "rating": "on_track", "action": "save", "expected_version": str(opened)}
    html = post_then_get(civ, f"/submissions/{sub['id']}", typed)
    assert "Someone else saved this submission since you opened it" in html and "My text.</textarea>" in html
    assert _stored(app, sub["id"])["narrative"] == "Colleague's text."
    ok(api(fp("CIV")).post(f"/api/v1/submissions/{sub['id']}/transitions", json={"trigger": "submit"}))
    submitted = _stored(app, sub["id"])["version"]
    ok(api(fp("CIV")).post(f"/api/v1/submissions/{sub['id']}/comments", json={"body": "Bumps nothing."}), 201)
    ok(
        api("civ.head@demo.example").post(
            f"/api/v1/submissions/{sub['id']}/transitions", json={"trigger": "return", "comment": "Redo."}
        )
    )
    head = signed_in(app, "civ.head@demo.example")
    response = head.post(
        f"/submissions/{sub['id']}/transitions",
        data={"trigger": "endorse", "expected_version": str(submitted), "csrf_token": token(head)},
    )
    assert response.headers["Location"].endswith("kept=1#trigger-errors")
    html = page(head, response.headers["Location"])
    assert (
        "Someone else changed this submission meanwhile (it is now “Returned for revision”). Nothing was done." in html
    )
