"""A mission's recommendation register: every recommendation ever made, proposed or drafted, with
its fate, filtered (cycle, component, fate, owner) and a page at a time, or whole for the exports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from cpas_workflow.accounts.models import User
from cpas_workflow.core.errors import BadRequest
from cpas_workflow.core.listing import PAGE_SIZE, query_args, whole_arg
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import FATES, Recommendation, co_owners
from cpas_workflow.recommendations.queries import lineage

FINAL_STATUSES = ("done", "dropped", "carried_over")


@dataclass(frozen=True)
class RegisterFilter:
    cycle: int | None = None
    component: str | None = None
    fate: str | None = None
    owner: str | None = None  # an e-mail
    page: int = 1

    def args(self, **changes) -> dict:
        values = {
            "cycle": self.cycle,
            "component": self.component,
            "fate": self.fate,
            "owner": self.owner,
            "page": self.page,
        } | changes
        return query_args(values)


def parse_filter(args, mission) -> RegisterFilter:
    fate = args.get("fate") or None
    if fate is not None and fate not in FATES:
        raise BadRequest(f"fate must be one of {', '.join(FATES)}", fields={"fate": "unknown fate"})
    component = args.get("component") or None
    if component is not None and mission.component(component) is None:
        raise BadRequest(f"{mission.code} has no component {component!r}", fields={"component": "unknown component"})
    owner = (args.get("owner") or "").strip() or None
    if owner is not None and len(owner) > 254:
        raise BadRequest("owner is an e-mail address", fields={"owner": "too long"})
    return RegisterFilter(
        cycle=whole_arg(args, "cycle", 1, 2**63 - 1),
        component=component,
        fate=fate,
        owner=owner,
        page=whole_arg(args, "page", 1, 100_000) or 1,
    )


def _fate_is(fate: str):
    """The SQL condition matching `Recommendation.fate == fate`."""
    r = Recommendation
    if fate in ("proposed", "declined", "merged", "withdrawn"):
        return r.stage == fate
    current = r.stage == "current"
    if fate in FINAL_STATUSES:
        return and_(current, r.status == fate)
    not_final = or_(r.status.is_(None), r.status.not_in(FINAL_STATUSES))
    if fate == "drafted":
        return and_(current, r.decision.is_(None))
    return and_(current, r.decision == fate, not_final)


def _matching(mission, register: RegisterFilter):
    query = (
        select(Recommendation).join(Cycle, Recommendation.cycle_id == Cycle.id).where(Cycle.mission_id == mission.id)
    )
    if register.cycle is not None:
        query = query.where(Cycle.id == register.cycle)
    if register.component is not None:
        component_id = mission.component(register.component).id
        co_owned = select(co_owners.c.recommendation_id).where(co_owners.c.component_id == component_id)
        query = query.where(or_(Recommendation.component_id == component_id, Recommendation.id.in_(co_owned)))
    if register.fate is not None:
        query = query.where(_fate_is(register.fate))
    if register.owner is not None:
        owner_ids = select(User.id).where(func.lower(User.email) == register.owner.lower())
        query = query.where(Recommendation.owner_id.in_(owner_ids))
    return query


def _loaded(query):
    return query.options(
        contains_eager(Recommendation.cycle),
        joinedload(Recommendation.owner),
        *lineage(co_owners_apart=True),
    ).order_by(Cycle.period.desc(), Recommendation.id)


def register_page(mission, register: RegisterFilter) -> tuple[list[Recommendation], int]:
    """One page (50) of the register, and how many recommendations match the filter."""
    query = _matching(mission, register)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = _loaded(query).limit(PAGE_SIZE).offset((register.page - 1) * PAGE_SIZE)
    return list(db.session.scalars(rows).unique()), total


def register_rows(mission, register: RegisterFilter) -> list[Recommendation]:
    return list(db.session.scalars(_loaded(_matching(mission, register))).unique())


def register_table(recommendations) -> tuple[list[str], list[list]]:
    """The register as a spreadsheet: one row per recommendation, its whole story in columns."""
    header = [
        "id",
        "period",
        "title",
        "component",
        "co_owners",
        "fate",
        "decision",
        "decided_at",
        "decision_comment",
        "status",
        "owner",
        "due",
        "proposed_by",
        "reason",
        "from_period",
        "body",
        "original_body",
    ]
    rows = []
    for r in recommendations:
        rows.append(
            [
                r.id,
                r.cycle.period,
                r.title,
                r.component.code,
                " ".join(c.code for c in r.co_components),
                r.fate,
                r.decision or "",
                r.decided_at.date().isoformat() if r.decided_at else "",
                r.decision_comment or "",
                r.status or "",
                r.owner.email if r.owner else "",
                r.due.isoformat(),
                r.proposed_by.email if r.proposed_by else "",
                r.stage_comment or "",
                r.origin.cycle.period if r.origin else "",
                r.body,
                r.original_body or "",
            ]
        )
    return header, rows
