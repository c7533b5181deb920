"""The pages of a recommendation's life: edit and withdraw a draft, decide several at once, see what
an amendment changed, answer proposals, change an action's owner, read and export the register."""

from __future__ import annotations

import csv
import io
import re

import openpyxl

from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import Recommendation
from tests.cycle_helpers import LEAD, SPU, cycle_in, fp, head, ok
from tests.web_helpers import flashes, page, post, post_then_get, signed_in, token


def _draft(api, cycle_id: int, title: str, **changes) -> dict:
    body = {"title": title, "body": f"{title}: the text.", "component": "MIL", "due": "2026-12-20", **changes}
    return ok(api(SPU).post(f"/api/v1/cycles/{cycle_id}/recommendations", json=body), 201)


def _rec(app, rec_id: int) -> Recommendation:
    with app.app_context():
        rec = db.session.get(Recommendation, rec_id)
        db.session.expunge(rec)
        return rec


def test_the_spu_edits_a_draft_on_its_page_and_a_refusal_keeps_what_was_typed(app, api):
    cycle = cycle_in(api, "joint_review")
    rec = _draft(api, cycle["id"], "Patrols")
    spu = signed_in(app, SPU)
    review = page(spu, f"/cycles/{cycle['id']}/review")
    assert f"/recommendations/{rec['id']}/edit" in review and f"/recommendations/{rec['id']}/withdraw" in review
    url = f"/recommendations/{rec['id']}/edit"
    form = page(spu, url)
    assert 'value="Patrols"' in form and "Patrols: the text.</textarea>" in form
    html = post_then_get(
        spu, url, {"title": "Night patrols", "body": "New text", "component": "POL", "due": "2020-01-01"}
    )
    assert "already past" in html and 'value="Night patrols"' in html and "New text</textarea>" in html
    assert re.search(r'<div class="error-summary" id="error-summary" [^>]*autofocus', html)  # opens on the problem
    assert "Night patrols" not in page(spu, url)  # a plain visit: the draft as saved
    post(
        spu,
        url,
        {"title": "Night patrols", "body": "New text", "component": "POL", "co_owners": ["MIL"], "due": "2026-12-24"},
    )
    saved = _rec(app, rec["id"])
    assert (saved.title, saved.body, saved.due.isoformat()) == ("Night patrols", "New text", "2026-12-24")
    assert "(with MIL)" in page(spu, f"/cycles/{cycle['id']}/review")
    # Leadership and other missions never see the form.
    page(signed_in(app, LEAD), url, status=403)
    page(signed_in(app, "spu@other.example"), url, status=404)


def test_withdrawing_asks_for_confirmation_and_the_draft_leaves_the_cycle(app, api):
    cycle = cycle_in(api, "joint_review")
    rec = _draft(api, cycle["id"], "Patrols")
    spu = signed_in(app, SPU)
    url = f"/recommendations/{rec['id']}/withdraw"
    confirm = page(spu, url)
    assert "Withdraw “Patrols”?" in confirm and "Keep it" in confirm
    assert _rec(app, rec["id"]).stage == "current"  # looking at the question changes nothing
    post(spu, url, {"reason": "Covered by MIL's plan."})
    review = page(spu, f"/cycles/{cycle['id']}/review")
    assert (
        "Recommendation “Patrols” withdrawn." in flashes(review)[0]
        and 'id="rec-' not in review.split("recs-h")[1].split("Draft a recommendation")[0]
    )
    with app.app_context():
        [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "withdraw_recommendation"))
        assert event.comment == "Patrols: Covered by MIL's plan."
    # Once withdrawn (or decided) there is nothing left to edit: the page says so instead of a form.
    page(spu, url, status=302)
    assert "Only an undecided draft" in flashes(page(spu, f"/cycles/{cycle['id']}"))[0]


def test_leadership_decides_several_recommendations_in_one_form_and_refusals_come_back_together(app, api):
    cycle = cycle_in(api, "joint_review")
    a = _draft(api, cycle["id"], "Alpha")
    b = _draft(api, cycle["id"], "Bravo")
    c = _draft(api, cycle["id"], "Charlie")
    ok(api(SPU).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "submit_for_signoff"}))
    lead = signed_in(app, LEAD)
    signoff = page(lead, f"/cycles/{cycle['id']}/sign-off")
    assert signoff.count('<form method="post" action="/cycles/') >= 1 and "Record the decisions" in signoff
    url = f"/cycles/{cycle['id']}/decisions"
    typed = {
        f"r{a['id']}-decision": "approve",
        f"r{b['id']}-decision": "reject",  # no comment: refused
        f"r{b['id']}-comment": "",
        f"r{c['id']}-decision": "amend",
        f"r{c['id']}-body": "Charlie, but <script>alert(1)</script> faster.",
    }
    response = lead.post(url, data={**typed, "csrf_token": token(lead)})
    # Post/redirect/get: the refusal is read at the sign-off page's own address (a reload sends nothing),
    # which opens on the list of problems, focused, above the assessment.
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cycles/{cycle['id']}/sign-off?kept=1#decision-errors")
    html = page(lead, response.headers["Location"])
    summary = html.split('id="decision-errors"')[1].split("</div>")[0]
    assert re.search(r'<div class="error-summary" id="decision-errors" [^>]*autofocus', html)
    assert html.index('id="decision-errors"') < html.index('id="assess-h"')
    assert "1 decision was refused, so none was recorded" in summary
    assert f'href="#r{b["id"]}-comment">Bravo: a rejection needs a comment' in summary
    assert html.count("a rejection needs a comment") >= 2  # in the summary and beside the field
    assert f'name="r{a["id"]}-decision" value="approve" checked' in html  # the choices made are kept too
    assert "Charlie, but &lt;script&gt;alert(1)&lt;/script&gt; faster.</textarea>" in html  # kept, escaped
    assert _rec(app, a["id"]).decision is None  # all or nothing
    post(lead, url, {**typed, f"r{b['id']}-comment": "Out of our mandate."})
    assert flashes(page(lead, f"/cycles/{cycle['id']}/sign-off"))[0] == (
        "“Alpha”: Approved. “Bravo”: Rejected. “Charlie”: Amended."
    )
    assert [_rec(app, r["id"]).decision for r in (a, b, c)] == ["approved", "rejected", "amended"]
    signoff = page(lead, f"/cycles/{cycle['id']}/sign-off")
    assert '<del class="diff-del">' in signoff and '<ins class="diff-ins">' in signoff
    assert "&lt;script&gt;" in signoff and "<script>alert" not in signoff


def test_an_amendment_shows_what_changed_on_the_cycle_page(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    rec_id = cycle["recommendations"][0]["id"]
    ok(
        api(LEAD).post(
            f"/api/v1/recommendations/{rec_id}/decision",
            json={"decision": "amend", "body": "Set up **community alert networks** in every prefecture."},
        )
    )
    html = page(signed_in(app, "viewer@demo.example"), f"/cycles/{cycle['id']}")
    assert "Amended by leadership: what changed from the original text" in html
    assert '<ins class="diff-ins">in every prefecture.</ins>' in html.replace(" <ins", "<ins") or (
        '<ins class="diff-ins">' in html and "prefecture." in html
    )


def test_a_focal_point_proposes_on_the_cycle_page_and_sees_the_spus_answer(app, api):
    cycle = cycle_in(api, "component_input")
    civ = signed_in(app, fp("CIV"))
    html = page(civ, f"/cycles/{cycle['id']}")
    assert "Propose a recommendation" in html
    url = f"/cycles/{cycle['id']}/proposals"
    refused = post_then_get(civ, url, {"title": "", "body": "Train liaison assistants.", "component": "CIV"})
    assert "Train liaison assistants.</textarea>" in refused and 'id="proposal-errors"' in refused
    post(
        civ,
        url,
        {"title": "Liaison assistants", "body": "Train liaison assistants.", "component": "CIV", "page": "cycle"},
    )
    [proposal] = ok(api(SPU).get("/api/v1/missions/DEMO/recommendations"))["items"]
    spu = signed_in(app, SPU)
    assert "Answer the proposal" in page(spu, f"/cycles/{cycle['id']}")
    settle = f"/recommendations/{proposal['id']}/proposal"
    post(spu, settle, {f"p{proposal['id']}-decision": "decline"}, prefix=f"p{proposal['id']}-")
    html = page(spu, f"/cycles/{cycle['id']}?kept=1")  # post/redirect/get: the page opens on the refusal
    assert "reason must not be empty" in html and f'id="settle-errors-{proposal["id"]}"' in html
    post(
        spu,
        settle,
        {f"p{proposal['id']}-decision": "decline", f"p{proposal['id']}-reason": "Already funded by UNDP."},
        prefix=f"p{proposal['id']}-",
    )
    html = page(civ, f"/cycles/{cycle['id']}")
    assert "Declined" in html and "Already funded by UNDP." in html


def test_the_spu_changes_an_actions_owner_with_a_reason_from_the_board(app, api):
    cycle = cycle_in(api, "followup")
    rec_id = cycle["recommendations"][0]["id"]
    spu = signed_in(app, SPU)
    assert f"/recommendations/{rec_id}/owner" in page(spu, "/missions/DEMO/follow-up")
    url = f"/recommendations/{rec_id}/owner"
    assert "Owner now" in page(spu, url)
    html = post_then_get(spu, url, {"owner": fp("CIV"), "reason": ""})
    assert "This field is required." in html and f'<option selected value="{fp("CIV")}">' in html  # choice kept
    post(spu, url, {"owner": fp("CIV"), "reason": "Head on R&R."})
    assert "is now owned by" in flashes(page(spu, "/missions/DEMO/follow-up"))[0]
    page(signed_in(app, head("CIV")), url, status=403)


def test_the_register_lists_filters_pages_and_exports_every_recommendation_of_the_mission(app, api):
    cycle = cycle_in(api, "joint_review")
    for i in range(55):
        _draft(api, cycle["id"], f"Rec {i:02d}")
    viewer = signed_in(app, "viewer@demo.example")
    first = page(viewer, "/missions/DEMO/recommendations")
    assert "55 recommendations" in first and "page 1 of 2" in first and first.count('<tr id="rec-') == 50
    assert page(viewer, "/missions/DEMO/recommendations?page=2").count('<tr id="rec-') == 5
    assert "No recommendation matches" in page(viewer, "/missions/DEMO/recommendations?fate=approved")
    page(viewer, "/missions/DEMO/recommendations?fate=lost", status=302)  # back, with the message flashed
    csv_rows = list(
        csv.DictReader(io.StringIO(viewer.get("/missions/DEMO/recommendations.csv").get_data(as_text=True)))
    )
    assert len(csv_rows) == 55 and csv_rows[0]["fate"] == "drafted"
    book = openpyxl.load_workbook(
        io.BytesIO(viewer.get("/missions/DEMO/recommendations.xlsx?component=MIL").get_data())
    )
    assert book.active.max_row == 56
    page(signed_in(app, "spu@other.example"), "/missions/DEMO/recommendations", status=404)
    assert signed_in(app, "spu@other.example").get("/missions/DEMO/recommendations.csv").status_code == 404


def test_the_head_of_a_component_sharing_an_action_updates_it_on_the_board(app, api):
    cycle = cycle_in(api, "joint_review")
    rec = _draft(api, cycle["id"], "Joint patrols", component="CIV", co_owners=["POL"])
    ok(api(SPU).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "submit_for_signoff"}))
    ok(api(LEAD).post(f"/api/v1/recommendations/{rec['id']}/decision", json={"decision": "approve"}))
    ok(api(LEAD).post(f"/api/v1/cycles/{cycle['id']}/transitions", json={"trigger": "approve"}))
    board = page(signed_in(app, head("POL")), "/missions/DEMO/follow-up?owner=all")
    assert f'action="/recommendations/{rec["id"]}/updates' in board
    board = page(signed_in(app, head("MIL")), "/missions/DEMO/follow-up?owner=all")
    assert f'action="/recommendations/{rec["id"]}/updates' not in board


def test_the_trails_name_recommendations_by_title_and_owners_by_name_in_the_readers_words(app, api):
    cycle = cycle_in(api, "followup")
    rec_id = cycle["recommendations"][0]["id"]
    ok(api(SPU).post(f"/api/v1/recommendations/{rec_id}/owner", json={"owner": fp("CIV"), "reason": "On leave."}))
    later = cycle_in(api, "joint_review", period="2027-Q1")
    patrols = _draft(api, later["id"], "Patrols")
    ok(api(SPU).put(f"/api/v1/recommendations/{patrols['id']}", json={"due": "2027-01-20"}))
    assert api(SPU).delete(f"/api/v1/recommendations/{patrols['id']}").status_code == 204
    spu, admin = signed_in(app, SPU), signed_in(app, "admin@demo.example")
    pages = {
        "cycle": page(spu, f"/cycles/{cycle['id']}") + page(spu, f"/cycles/{later['id']}"),
        "mission": page(spu, "/missions/DEMO"),
        "admin": page(admin, "/admin/audit?mission=DEMO"),
    }
    for name, html in pages.items():
        shown = re.sub(r' title="[^"]*"', "", html)  # the admin's log keeps the stored subject as a tooltip
        assert "recommendation:" not in shown and "cycle:" not in shown, name
        assert "“Patrols”" in html, name  # withdrawn: no longer in the cycle's list, still named by its title
    trail = page(spu, f"/cycles/{cycle['id']}").split('id="audit-h"')[1]
    assert "Cas Head → Cleo Civil" in trail and fp("CIV") not in trail  # the owners, by name
    assert "Patrols (due)" in page(spu, f"/cycles/{later['id']}").split('id="audit-h"')[1]  # what an edit changed
    with app.app_context():
        from cpas_workflow.accounts.operations import find_user, update_preferences

        update_preferences(find_user(SPU), language="fr")
        db.session.commit()
    french = page(spu, f"/cycles/{later['id']}").split('id="audit-h"')[1]
    assert "Recommandation retirée : « Patrols »" in french and "Patrols (l’échéance)" in french


def test_french_card_labels_have_the_french_space_before_their_colon(app, api):
    cycle = cycle_in(api, "followup")
    with app.app_context():
        from cpas_workflow.accounts.operations import find_user, update_preferences

        update_preferences(find_user(SPU), language="fr")
        db.session.commit()
    html = page(signed_in(app, SPU), f"/cycles/{cycle['id']}")
    assert "Statut : " in html and "Décision : " in html and "Responsable : " in html
    assert "Statut:" not in html and "Décision:" not in html
