"""The submission form: preview, draft, submit; a head's endorse and return; refusals and stale forms."""

from cpas_workflow.extensions import db
from cpas_workflow.submissions.models import Submission
from tests.cycle_helpers import cycle_in, fill_and_submit, fp, ok
from tests.web_helpers import flashes, page, post, signed_in


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
    html = post(
        client,
        f"/submissions/{sub['id']}",
        {
            "action": "preview",
            "narrative": "**Bold** <script>alert(1)</script>",
            "rating": "",
            "expected_version": sub["version"],
        },
        status=200,
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


def test_submitting_without_a_rating_is_refused_next_to_the_rating_and_the_text_is_kept(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    html = post(
        signed_in(app, fp("CIV")),
        f"/submissions/{sub['id']}",
        {"action": "submit", "narrative": "My careful text.", "rating": "", "expected_version": sub["version"]},
        status=422,
    )
    assert "choose a progress rating" in html and "My careful text.</textarea>" in html
    assert _stored(app, sub["id"]) | {"version": 0} == {
        "state": "pending",
        "narrative": "",
        "rating": None,
        "version": 0,
    }


def test_an_unknown_rating_is_refused(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    html = post(
        signed_in(app, fp("CIV")),
        f"/submissions/{sub['id']}",
        {"action": "save", "narrative": "x", "rating": "brilliant", "expected_version": sub["version"]},
        status=422,
    )
    assert "Not a valid choice" in html


def test_a_stale_submission_form_keeps_what_was_typed_and_shows_the_saved_text(app, api):
    sub = _civ(cycle_in(api, "component_input"))
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{sub['id']}", json={"narrative": "Saved by a colleague."}))
    html = post(
        signed_in(app, fp("CIV")),
        f"/submissions/{sub['id']}",
        {"action": "save", "narrative": "My version.", "rating": "", "expected_version": sub["version"]},
        status=409,
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
    html = post(
        head,
        f"/submissions/{sub['id']}/transitions",
        {"trigger": "return", "comment": "", "expected_version": version},
        status=422,
    )
    assert "needs a comment" in html
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
    html = post(spu, f"/submissions/{sub['id']}/comments", {"body": "", "back": "review"}, status=422)
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
