"""API: draft, decide and follow up recommendations."""

from __future__ import annotations

from flask import jsonify, request

from cpas_workflow import abilities
from cpas_workflow.api import bp, serialize
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.core.listing import PAGE_SIZE
from cpas_workflow.cycles.queries import get_cycle, get_mission
from cpas_workflow.recommendations import operations, owners, proposals, register


@bp.post("/cycles/<int:cycle_id>/recommendations")
def create_recommendation(cycle_id: int):
    user = current_user()
    cycle = get_cycle(cycle_id, user, for_update=True)
    abilities.require(abilities.can_draft_recommendation(user, cycle, check_state=False))  # 403 before 400, 422
    data = read(
        {
            "title": Field(str, required=True),
            "body": Field(str, required=True),
            "component": Field(str, required=True),
            "due": Field("date", required=True),
            "co_owners": Field(list, items=str, max_items=50),
        }
    )
    recommendation = operations.draft_recommendation(cycle, operations.RecommendationDraft(**data), user)
    commit()
    return jsonify(serialize.recommendation(operations.get_recommendation(recommendation.id, user))), 201


@bp.get("/recommendations/<int:recommendation_id>")
def get_recommendation(recommendation_id: int):
    user = current_user()
    recommendation = operations.get_recommendation(recommendation_id, user)
    return jsonify({**serialize.recommendation(recommendation), "actions": serialize.actions(recommendation, user)})


@bp.put("/recommendations/<int:recommendation_id>")
def edit_recommendation(recommendation_id: int):
    user = current_user()
    recommendation = operations.get_recommendation(recommendation_id, user)
    abilities.require(abilities.can_edit_recommendation(user, recommendation, check_state=False))
    data = read(
        {
            "title": Field(str),
            "body": Field(str),
            "component": Field(str),
            "due": Field("date"),
            "co_owners": Field(list, items=str, max_items=50),
            "expected_version": Field(int),
        }
    )
    operations.edit_recommendation(recommendation, operations.RecommendationEdit(**data), user)
    commit()
    return jsonify(serialize.recommendation(operations.get_recommendation(recommendation_id, user)))


@bp.delete("/recommendations/<int:recommendation_id>")
def withdraw_recommendation(recommendation_id: int):
    user = current_user()
    recommendation = operations.get_recommendation(recommendation_id, user)
    abilities.require(abilities.can_edit_recommendation(user, recommendation, check_state=False))
    reason = read({"reason": Field(str, nullable=True)}).get("reason") if request.get_data(cache=True) else None
    operations.withdraw_recommendation(recommendation, user, reason=reason)
    commit()
    return "", 204


@bp.post("/recommendations/<int:recommendation_id>/decision")
def decide(recommendation_id: int):
    user = current_user()
    recommendation = operations.get_recommendation(recommendation_id, user)
    abilities.require(abilities.can_decide_recommendation(user, recommendation, check_state=False))
    data = read(
        {
            "decision": Field(str, required=True),
            "comment": Field(str, nullable=True),
            "body": Field(str, nullable=True),
            "due": Field("date", nullable=True),
            "owner": Field(str, nullable=True),
        }
    )
    operations.decide_recommendation(recommendation, operations.Decision(**data), user)
    commit()
    return jsonify(serialize.recommendation(operations.get_recommendation(recommendation_id, user)))


@bp.post("/recommendations/<int:recommendation_id>/owner")
def change_owner(recommendation_id: int):
    user = current_user()
    recommendation = operations.get_recommendation(recommendation_id, user)
    abilities.require(abilities.can_change_owner(user, recommendation, check_state=False))
    data = read({"owner": Field(str, required=True), "reason": Field(str, required=True)})
    owners.change_owner(recommendation, owners.OwnerChange(**data), user)
    commit()
    return jsonify(serialize.recommendation(operations.get_recommendation(recommendation_id, user)))


@bp.post("/cycles/<int:cycle_id>/proposals")
def propose_recommendation(cycle_id: int):
    user = current_user()
    cycle = get_cycle(cycle_id, user, for_update=True)
    abilities.require(abilities.can_propose_recommendation(user, cycle, check_state=False))
    data = read(
        {
            "title": Field(str, required=True),
            "body": Field(str, required=True),
            "component": Field(str, required=True),
            "due": Field("date", nullable=True),
        }
    )
    proposal = proposals.propose_recommendation(cycle, proposals.Proposal(**data), user)
    commit()
    return jsonify(serialize.recommendation(operations.get_recommendation(proposal.id, user))), 201


@bp.post("/recommendations/<int:recommendation_id>/proposal")
def settle_proposal(recommendation_id: int):
    user = current_user()
    proposal = proposals.get_proposal(recommendation_id, user)
    abilities.require(abilities.can_settle_proposal(user, proposal, check_state=False))
    data = read(
        {
            "decision": Field(str, required=True),
            "reason": Field(str, nullable=True),
            "into": Field(int, nullable=True, minimum=1),
        }
    )
    proposals.settle_proposal(proposal, proposals.Settlement(**data), user)
    commit()
    return jsonify(serialize.recommendation(operations.get_recommendation(recommendation_id, user)))


@bp.post("/recommendations/<int:recommendation_id>/updates")
def add_update(recommendation_id: int):
    user = current_user()
    recommendation = operations.get_recommendation(recommendation_id, user)
    abilities.require(abilities.can_update_recommendation(user, recommendation, check_state=False))
    data = read({"status": Field(str, required=True), "note": Field(str, required=True)})
    operations.add_update(recommendation, data["status"], data["note"], user)
    commit()
    return jsonify(serialize.recommendation(recommendation)), 201


@bp.get("/missions/<code>/recommendations")
def recommendation_register(code: str):
    """The mission's register: every recommendation with its fate, filtered, 50 a page."""
    mission = get_mission(code, current_user())
    wanted = register.parse_filter(request.args, mission)
    items, total = register.register_page(mission, wanted)
    return jsonify(
        {
            "items": [serialize.recommendation_brief(r) for r in items],
            "total": total,
            "page": wanted.page,
            "pages": max(1, -(-total // PAGE_SIZE)),
        }
    )
