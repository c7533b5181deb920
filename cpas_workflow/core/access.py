"""Who may do what: the one table of permissions, and the mission-scoped visibility rules.

Roles hold within a scope: `hq` and `admin` everywhere; `spu`, `leadership` and `viewer` in one
mission; `focal_point` and `component_head` in one component. Operations call `require`; pages and
the API ask `can` to decide which actions to offer.
"""

from __future__ import annotations

from cpas_workflow.core.errors import Forbidden, NotFound

# action -> roles that may take it, within the object's mission (and component, where it has one).
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view": ("spu", "leadership", "viewer", "focal_point", "component_head", "hq", "admin"),
    "start_cycle": ("spu",),
    "administer_cycle": ("spu",),  # move the input deadline, add or excuse a component, set guidance
    "edit_submission": ("focal_point",),
    "comment_submission": ("spu", "leadership", "focal_point", "component_head"),
    "draft_recommendation": ("spu",),
    "decide_recommendation": ("leadership",),
    "update_recommendation": ("component_head", "spu"),
    "carry_over_recommendation": ("spu",),
    "change_owner": ("spu",),
    "propose_recommendation": ("focal_point", "component_head"),
    "settle_proposal": ("spu",),
    "manage_instance": ("admin",),
    "compare_missions": ("hq", "admin"),
    "edit_framework": ("spu",),
    "see_draft_values": ("spu", "leadership"),
}
GLOBAL = ("hq", "admin")


def _scope(obj) -> tuple[int | None, int | None]:
    """(mission_id, component_id) of a mission, component, cycle, submission or recommendation."""
    table = getattr(obj, "__tablename__", None)
    if table == "missions":
        return obj.id, None
    if table == "components":
        return obj.mission_id, obj.id
    if table == "cycles":
        return obj.mission_id, None
    if table in ("submissions", "recommendations"):
        return obj.cycle.mission_id, obj.component_id
    raise TypeError(f"no access scope for {obj!r}")


def roles_for(user, obj, *, mission_wide: bool = False) -> set[str]:
    """The roles `user` holds that apply to `obj`. For a mission-wide object, a component role
    anywhere in the mission counts; for a component's object, only in that component."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    mission_id, component_id = _scope(obj)
    if mission_wide:
        component_id = None
    held = set()
    for assignment in user.roles:
        if assignment.role in GLOBAL:
            held.add(assignment.role)
        elif assignment.mission_id != mission_id:
            continue
        elif assignment.component_id is None or component_id is None or assignment.component_id == component_id:
            held.add(assignment.role)
    return held


def holds_any(user, roles, obj) -> bool:
    return bool(roles_for(user, obj) & set(roles))


def can_view(user, obj) -> bool:
    """Everyone in a mission sees all of the mission (the joint review is shared); no one else does."""
    return bool(roles_for(user, obj, mission_wide=True) & set(PERMISSIONS["view"]))


def can(user, action: str, obj) -> bool:
    return holds_any(user, PERMISSIONS[action], obj)


def ensure_visible(user, obj):
    """Another mission's objects do not exist for the caller: NotFound, never Forbidden."""
    if obj is None or not can_view(user, obj):
        raise NotFound("not found, or not visible to you")
    return obj


def require(user, action: str, obj) -> None:
    ensure_visible(user, obj)
    if not can(user, action, obj):
        raise Forbidden(f"you may not {action.replace('_', ' ')} here (needs: {', '.join(PERMISSIONS[action])})")


def visible_mission_ids(user) -> set[int] | None:
    """None means every mission (hq, admin)."""
    if any(a.role in GLOBAL for a in user.roles):
        return None
    return {a.mission_id for a in user.roles if a.mission_id is not None}


def has_role(user, role: str) -> bool:
    return any(a.role == role for a in user.roles)


def can_compare(user) -> bool:
    """Headquarters' comparison of missions: `compare_missions` is held globally, not per mission."""
    return any(a.role in PERMISSIONS["compare_missions"] for a in user.roles)


def require_instance(user, action: str) -> None:
    """Instance-wide actions (managing missions, users): only a global role named in PERMISSIONS."""
    held = {a.role for a in getattr(user, "roles", ()) if a.role in GLOBAL}
    if not getattr(user, "is_authenticated", False) or not held & set(PERMISSIONS[action]):
        raise Forbidden(f"you may not {action.replace('_', ' ')} (needs: {', '.join(PERMISSIONS[action])})")


# A recommendation's life: each answer combines the role with the state of the cycle and of the
# recommendation, for operations, pages, the API and templates alike.
PROPOSAL_STATES = ("component_input", "joint_review")


def can_edit_recommendation(user, recommendation) -> bool:
    """Edit or withdraw: the SPU, while the recommendation is an undecided draft in the joint review."""
    return (
        recommendation.is_undecided_draft
        and recommendation.cycle.state == "joint_review"
        and can(user, "draft_recommendation", recommendation)
    )


can_withdraw_recommendation = can_edit_recommendation


def can_decide_recommendation(user, recommendation) -> bool:
    return (
        recommendation.stage == "current"
        and recommendation.cycle.state == "leadership_signoff"
        and can(user, "decide_recommendation", recommendation)
    )


def can_propose_recommendation(user, cycle) -> bool:
    """A focal point or head of a component taking part may propose during input and joint review."""
    return cycle.state in PROPOSAL_STATES and bool(proposing_components(user, cycle))


def proposing_components(user, cycle) -> list:
    """The participating components `user` may propose recommendations for."""
    mine = {
        a.component_id
        for a in getattr(user, "roles", ())
        if a.role in PERMISSIONS["propose_recommendation"] and a.mission_id == cycle.mission_id
    }
    return [s.component for s in cycle.submissions if s.component_id in mine]


def can_settle_proposal(user, recommendation, *, to_draft: bool = False) -> bool:
    """Decline a proposal at any time before the cycle ends; accept or merge it during the joint review."""
    state = recommendation.cycle.state
    return (
        recommendation.stage == "proposed"
        and (state == "joint_review" if to_draft else state in PROPOSAL_STATES)
        and can(user, "settle_proposal", recommendation)
    )


def can_change_owner(user, recommendation) -> bool:
    return (
        recommendation.is_action
        and recommendation.cycle.state == "followup"
        and can(user, "change_owner", recommendation)
    )


def can_update_action(user, recommendation) -> bool:
    """Progress on an action: the SPU, the heads of its component (or of a co-owning one, when those
    were loaded), and its owner whoever they are."""
    if can(user, "update_recommendation", recommendation):
        return True
    if recommendation.owner_id is not None and recommendation.owner_id == getattr(user, "id", None):
        return True
    if "co_components" not in _unloaded(recommendation):
        return any(holds_any(user, ("component_head",), c) for c in recommendation.co_components)
    return False


def require_update_action(user, recommendation) -> None:
    ensure_visible(user, recommendation)
    if not can_update_action(user, recommendation):
        raise Forbidden("you may not update this action (needs: its owner, a head of its component, or spu)")


def _unloaded(obj) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(obj).unloaded)
