"""Who may do what: the one table of permissions, and the mission-scoped visibility rules.

Roles hold within a scope: `hq` and `admin` everywhere; `spu`, `leadership` and `viewer` in one
mission; `focal_point` and `component_head` in one component. Operations call `require`; pages and
the API ask `can` to decide which actions to offer.

What a user holds is `grants(user)`: their role assignments current today (dated, ended ones never),
plus, while a delegation to them is in force, the delegator's mission and component roles marked
`on_behalf_of` the delegator. Every check, task list and recipient list reads roles this way only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask.globals import _cv_request
from flask_babel import lazy_gettext as _l

from cpas_workflow.core import clock
from cpas_workflow.core.errors import Forbidden, NotFound

# action -> roles that may take it, within the object's mission (and component, where it has one).
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view": ("spu", "leadership", "viewer", "focal_point", "component_head", "hq", "admin"),
    "start_cycle": ("spu",),
    "administer_cycle": ("spu",),  # move the input deadline, add or excuse a component, set guidance
    "edit_submission": ("focal_point",),
    "comment_submission": ("spu", "leadership", "focal_point", "component_head"),
    "comment": ("spu", "leadership", "focal_point", "component_head"),  # on a cycle or a recommendation
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
    "assign_task": ("spu",),
}
GLOBAL = ("hq", "admin")


@dataclass(frozen=True)
class Grant:
    """One role the user may act with now: their own, or a delegator's (`on_behalf_of`)."""

    role: str
    mission_id: int | None
    component_id: int | None
    mission: Any = None
    component: Any = None
    on_behalf_of: Any = None


def _grant(assignment, on_behalf_of=None) -> Grant:
    return Grant(
        assignment.role,
        assignment.mission_id,
        assignment.component_id,
        assignment.mission,
        assignment.component,
        on_behalf_of,
    )


def grants(user) -> list[Grant]:
    """The roles `user` acts with today: own current assignments first, then delegated ones."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    today = clock.today()
    reading = _reading_request()
    if reading is not None:
        memo = getattr(user, "__dict__", {}).get("_cpas_grants")
        if memo is not None and memo[0] is reading and memo[1] == today:
            return memo[2]
    held = _held(user, today)
    if reading is not None:
        user.__dict__["_cpas_grants"] = (reading, today, held)
    return held


def _reading_request():
    """The current request's context when it only reads (GET, HEAD): what a user holds cannot change
    while it runs, so `grants` works it out once for it (a list page asks for every row's actions);
    None otherwise. Read from Flask's context variable: the `request` proxy costs more than the rest."""
    context = _cv_request.get(None)
    if context is None or context.request.method not in ("GET", "HEAD"):
        return None
    return context


def _held(user, today) -> list[Grant]:
    held = [_grant(a) for a in user.roles if a.is_current(today)]
    for delegation in _delegations_in(user):
        if not delegation.is_active(today):
            continue
        delegator = delegation.delegator
        held += [
            _grant(a, delegator)
            for a in delegator.roles
            if a.role not in GLOBAL and a.mission_id == delegation.mission_id and a.is_current(today)
        ]
    return held


def _delegations_in(user) -> list:
    """The delegations to `user`, loaded with the user (accounts.queries.with_roles), known to be none
    (accounts.queries.signed_in), or read now."""
    from sqlalchemy import inspect
    from sqlalchemy.orm.base import NO_VALUE

    state = inspect(user, raiseerr=False)
    if state is None:
        return []
    loaded = state.attrs.delegations_in.loaded_value
    if loaded is NO_VALUE:
        if state.dict.get("has_delegations") is False:  # none in force, as the user's load said
            return []
        from cpas_workflow.accounts.queries import load_delegations

        loaded = load_delegations(user)
    return loaded


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
    if table == "tasks":
        return obj.mission_id, obj.component_id
    raise TypeError(f"no access scope for {obj!r}")


def roles_for(user, obj, *, mission_wide: bool = False) -> set[str]:
    """The roles `user` holds that apply to `obj`. For a mission-wide object, a component role
    anywhere in the mission counts; for a component's object, only in that component."""
    return {g.role for g in _applying(user, obj, mission_wide=mission_wide)}


def _applying(user, obj, *, mission_wide: bool = False) -> list[Grant]:
    mission_id, component_id = _scope(obj)
    if mission_wide:
        component_id = None
    return [
        g
        for g in grants(user)
        if g.role in GLOBAL
        or (
            g.mission_id == mission_id
            and (g.component_id is None or component_id is None or g.component_id == component_id)
        )
    ]


def holds_any(user, roles, obj) -> bool:
    return bool(roles_for(user, obj) & set(roles))


def acting_for(user, roles, obj):
    """Whom `user` acts for when taking an action open to `roles` on `obj`: None when one of their
    own roles allows it, else the delegator whose role does."""
    matching = [g for g in _applying(user, obj) if g.role in roles]
    if not matching or any(g.on_behalf_of is None for g in matching):
        return None
    return matching[0].on_behalf_of


def authorize(user, roles, obj) -> bool:
    """Whether `user` may take an action open to `roles` on `obj`; when they may, notes whom they act
    for, so that the audit event this action writes names both (core.audit reads `acts_for`)."""
    if not holds_any(user, roles, obj):
        return False
    user.__dict__["_cpas_acts_for"] = acting_for(user, roles, obj)
    return True


def note_own_right(user) -> None:
    """`user` takes the next action in their own right (as an action's owner, say): no delegator is
    recorded for it, whatever an earlier check of the same request noted."""
    if hasattr(user, "__dict__"):
        user.__dict__["_cpas_acts_for"] = None


def acts_for(user):
    """The delegator the last authorized action of `user` was taken for (None: their own right)."""
    return getattr(user, "__dict__", {}).get("_cpas_acts_for")


def can_view(user, obj) -> bool:
    """Everyone in a mission sees all of the mission (the joint review is shared); no one else does."""
    return bool(roles_for(user, obj, mission_wide=True) & set(PERMISSIONS["view"]))


def can(user, action: str, obj) -> bool:
    return holds_any(user, PERMISSIONS[action], obj)


def ensure_visible(user, obj):
    """Another mission's objects do not exist for the caller: NotFound, never Forbidden."""
    if obj is None or not can_view(user, obj):
        raise NotFound(_l("not found, or not visible to you"))
    return obj


def require(user, action: str, obj) -> None:
    ensure_visible(user, obj)
    if not authorize(user, PERMISSIONS[action], obj):
        raise Forbidden(
            _l(
                "you may not %(action)s here (needs: %(roles)s)",
                action=action.replace("_", " "),
                roles=", ".join(PERMISSIONS[action]),
            )
        )


def visible_mission_ids(user) -> set[int] | None:
    """None means every mission (hq, admin)."""
    held = grants(user)
    if any(g.role in GLOBAL for g in held):
        return None
    return {g.mission_id for g in held if g.mission_id is not None}


def has_role(user, role: str) -> bool:
    return any(g.role == role for g in grants(user))


def can_compare(user) -> bool:
    """Headquarters' comparison of missions: `compare_missions` is held globally, not per mission."""
    return any(g.role in PERMISSIONS["compare_missions"] for g in grants(user))


def require_instance(user, action: str) -> None:
    """Instance-wide actions (managing missions, users): only a global role named in PERMISSIONS."""
    held = {g.role for g in grants(user) if g.role in GLOBAL}
    if not getattr(user, "is_authenticated", False) or not held & set(PERMISSIONS[action]):
        raise Forbidden(
            _l(
                "you may not %(action)s (needs: %(roles)s)",
                action=action.replace("_", " "),
                roles=", ".join(PERMISSIONS[action]),
            )
        )
