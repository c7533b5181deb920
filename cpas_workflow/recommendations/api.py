"""API: draft, decide and follow up recommendations."""

from __future__ import annotations

from flask import jsonify

from cpas_workflow.api import bp, serialize
from cpas_workflow.api.parsing import Field, commit, current_user, read
from cpas_workflow.core import access
from cpas_workflow.cycles.queries import get_cycle
from cpas_workflow.recommendations import operations


@bp.post("/cycles/<int:cycle_id>/recommendations")
def create_recommendation(cycle_id: int):
    user = current_user()
    cycle = get_cycle(cycle_id, user, for_update=True)
    access.require(user, "draft_recommendation", cycle)  # 403 before any 400 or 422
    data = read(
        {
            "title": Field(str, required=True),
            "body": Field(str, required=True),
            "component": Field(str, required=True),
            "due": Field("date", required=True),
        }
    )
    recommendation = operations.draft_recommendation(cycle, operations.RecommendationDraft(**data), user)
    commit()
    return jsonify(serialize.recommendation(recommendation)), 201


@bp.get("/recommendations/<int:recommendation_id>")
def get_recommendation(recommendation_id: int):
    return jsonify(serialize.recommendation(operations.get_recommendation(recommendation_id, current_user())))


@bp.post("/recommendations/<int:recommendation_id>/decision")
def decide(recommendation_id: int):
    user = current_user()
    recommendation = operations.get_recommendation(recommendation_id, user)
    access.require(user, "decide_recommendation", recommendation)
    data = read(
        {"decision": Field(str, required=True), "comment": Field(str, nullable=True), "body": Field(str, nullable=True)}
    )
    operations.decide_recommendation(
        recommendation, data["decision"], user, comment=data.get("comment"), body=data.get("body")
    )
    commit()
    return jsonify(serialize.recommendation(recommendation))


@bp.post("/recommendations/<int:recommendation_id>/updates")
def add_update(recommendation_id: int):
    user = current_user()
    recommendation = operations.get_recommendation(recommendation_id, user)
    access.require(user, "update_recommendation", recommendation)
    data = read({"status": Field(str, required=True), "note": Field(str, required=True)})
    operations.add_update(recommendation, data["status"], data["note"], user)
    commit()
    return jsonify(serialize.recommendation(recommendation)), 201
