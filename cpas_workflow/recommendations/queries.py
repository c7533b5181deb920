"""The follow-up board's question: which actions of a mission, filtered and a page at a time.

An action is an approved or amended recommendation. The board shows the actions of the cycles still
running unless a year, a cycle or `closed=1` asks for older ones, so closed years do not pile up on
it; a component head sees the actions they own unless they ask for everyone's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from cpas_workflow.core import access
from cpas_workflow.core.errors import BadRequest
from cpas_workflow.core.listing import PAGE_SIZE, query_args, whole_arg
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import (
    ACTION_STATUSES,
    SETTLED_STATUSES,
    Recommendation,
    RecommendationUpdate,
)

STATUSES = ACTION_STATUSES + ("carried_over",)
ENDED_CYCLES = ("closed", "cancelled")


@dataclass(frozen=True)
class BoardFilter:
    status: str | None = None
    component: str | None = None  # a component code of the mission
    owner: str = "all"  # "all" or "me"
    is_overdue: bool = False
    cycle: int | None = None
    year: int | None = None
    with_closed: bool = False
    page: int = 1

    def args(self, **changes) -> dict:
        """The filter as query-string arguments (defaults left out), with `changes` applied."""
        values = {
            "status": self.status,
            "component": self.component,
            "owner": self.owner,
            "overdue": "1" if self.is_overdue else None,
            "cycle": self.cycle,
            "year": self.year,
            "closed": "1" if self.with_closed else None,
            "page": self.page if self.page != 1 else None,
        } | changes
        return query_args(values)


def parse_filter(args, mission, user) -> BoardFilter:
    """The board's filter from a query string; a component head's default is their own actions."""
    status = args.get("status") or None
    if status is not None and status not in STATUSES:
        raise BadRequest(f"status must be one of {', '.join(STATUSES)}", fields={"status": "unknown status"})
    component = args.get("component") or None
    if component is not None and component not in {c.code for c in mission.components}:
        raise BadRequest(f"{mission.code} has no component {component!r}", fields={"component": "unknown component"})
    owner = args.get("owner") or ("me" if _heads_only(user, mission) else "all")
    if owner not in ("me", "all"):
        raise BadRequest("owner is 'me' or 'all'", fields={"owner": "unknown owner"})
    return BoardFilter(
        status=status,
        component=component,
        owner=owner,
        is_overdue=args.get("overdue") == "1",
        cycle=whole_arg(args, "cycle", 1, 2**63 - 1),
        year=whole_arg(args, "year", 1900, 2999),
        with_closed=args.get("closed") == "1",
        page=whole_arg(args, "page", 1, 100_000) or 1,
    )


def lineage(path=None, *, co_owners_apart: bool = False, with_co_owners: bool = True) -> tuple:
    """Options loading who proposed a recommendation, its co-owning components, and the earlier
    recommendation and origin (each with its cycle) of a carried-over action; `path` is the loader
    option leading to the recommendations (None: they are the query's own rows)."""

    def joined(attribute):
        return path.joinedload(attribute) if path is not None else joinedload(attribute)

    co_owners = (
        (path.selectinload if path is not None else selectinload) if co_owners_apart else joined
    )  # joined: no statement of its own; apart: for paged lists, where a joined collection would break LIMIT
    return (
        joined(Recommendation.proposed_by),
        joined(Recommendation.carried_from).joinedload(Recommendation.cycle),
        joined(Recommendation.origin).joinedload(Recommendation.cycle),
        *((co_owners(Recommendation.co_components),) if with_co_owners else ()),
    )


def _heads_only(user, mission) -> bool:
    """A component head with no mission-wide role: their own actions first."""
    held = access.roles_for(user, mission, mission_wide=True)
    return "component_head" in held and not held & {"spu", "leadership", "viewer", "hq", "admin"}


def _actions(mission, board: BoardFilter, user, today: dt.date):
    query = (
        select(Recommendation)
        .join(Cycle, Recommendation.cycle_id == Cycle.id)
        .where(Cycle.mission_id == mission.id, Recommendation.decision.in_(("approved", "amended")))
    )
    if board.cycle is not None:
        query = query.where(Cycle.id == board.cycle)
    elif board.year is not None:
        query = query.where(Cycle.period.like(f"{board.year}%"))
    elif not board.with_closed:
        query = query.where(Cycle.state.not_in(ENDED_CYCLES))
    if board.status is not None:
        query = query.where(Recommendation.status == board.status)
    if board.component is not None:
        component = mission.component(board.component)
        query = query.where(Recommendation.component_id == component.id)
    if board.owner == "me":
        query = query.where(Recommendation.owner_id == user.id)
    if board.is_overdue:
        query = query.where(Recommendation.due < today, Recommendation.status.not_in(SETTLED_STATUSES))
    return query


def _loaded(query):
    return query.options(
        contains_eager(Recommendation.cycle),
        joinedload(Recommendation.owner),
        selectinload(Recommendation.updates).joinedload(RecommendationUpdate.actor),
        *lineage(with_co_owners=False),
    ).order_by(Recommendation.due, Recommendation.id)


def board_page(mission, board: BoardFilter, user, today: dt.date) -> tuple[list[Recommendation], int]:
    """One page of the actions matching `board` (cycle, owner and updates loaded), and how many match."""
    query = _actions(mission, board, user, today)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = _loaded(query).limit(PAGE_SIZE).offset((board.page - 1) * PAGE_SIZE)
    return list(db.session.scalars(page).unique()), total


def board_rows(mission, board: BoardFilter, user, today: dt.date) -> list[Recommendation]:
    """Every action matching `board` (for the exports)."""
    return list(db.session.scalars(_loaded(_actions(mission, board, user, today))).unique())


def cycle_proposals(cycle) -> list[Recommendation]:
    """The recommendations proposed in `cycle`, answered or not, with who proposed them."""
    query = (
        select(Recommendation)
        .where(Recommendation.cycle_id == cycle.id, Recommendation.stage.in_(("proposed", "declined", "merged")))
        .options(joinedload(Recommendation.proposed_by))
        .order_by(Recommendation.id)
    )
    return list(db.session.scalars(query))


def co_owner_ids(recommendation_ids) -> dict[int, set[int]]:
    """{recommendation id: the ids of the components sharing it}, in one statement."""
    from cpas_workflow.recommendations.models import co_owners

    found: dict[int, set[int]] = {}
    ids = list(recommendation_ids)
    if ids:
        rows = db.session.execute(
            select(co_owners.c.recommendation_id, co_owners.c.component_id).where(
                co_owners.c.recommendation_id.in_(ids)
            )
        )
        for rec_id, component_id in rows:
            found.setdefault(rec_id, set()).add(component_id)
    return found
