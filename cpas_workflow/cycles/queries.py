"""Loading cycles within the caller's missions, each with exactly what its caller uses.

Relationships raise when they were not loaded (models: `lazy="raise_on_sql"`), so every query here
names what it brings along. Many-to-one links to rows already in the session cost nothing: the
mission's components are loaded with the cycle, so its submissions' and recommendations'
`component` come from the session, as does every child's `cycle`.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from cpas_workflow.core import access
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from cpas_workflow.recommendations.models import Recommendation, RecommendationUpdate
from cpas_workflow.submissions.models import Submission, SubmissionComment


def head() -> tuple:
    """The cycle row with its mission, the mission's components and the definition rows it runs on
    (their JSON bodies stay deferred): one statement."""
    return (
        joinedload(Cycle.mission).joinedload(Mission.components),
        joinedload(Cycle.definition),
        joinedload(Cycle.submission_definition),
    )


def comments() -> tuple:
    """Each submission's comments with their authors (the joint review)."""
    return (selectinload(Cycle.submissions).selectinload(Submission.comments).joinedload(SubmissionComment.author),)


def for_firing() -> tuple:
    """What firing a cycle trigger reads (guards and effects go through submissions and
    recommendations), which is also what the cycle pages show."""
    return (
        *head(),
        selectinload(Cycle.submissions),
        selectinload(Cycle.recommendations).joinedload(Recommendation.owner),
    )


def lineage() -> tuple:
    """Who proposed each recommendation, its co-owners, and a carried-over action's earlier decision."""
    from cpas_workflow.recommendations.queries import lineage as of_recommendations

    return of_recommendations(selectinload(Cycle.recommendations))


def for_api() -> tuple:
    """`GET /cycles/{id}`: the recommendations come with their dated updates and who wrote them."""
    updates = selectinload(Cycle.recommendations).selectinload(Recommendation.updates)
    return (*for_firing(), updates.joinedload(RecommendationUpdate.actor), *lineage())


def get_cycle(cycle_id: int, user, *, for_update: bool = False, options: tuple | None = None) -> Cycle:
    """The cycle if `user` may see it, else NotFound; loaded with `options` (default: `for_firing()`).
    `for_update` locks the row (PostgreSQL)."""
    query = select(Cycle).where(Cycle.id == cycle_id).options(*(for_firing() if options is None else options))
    if for_update:
        query = query.with_for_update(of=Cycle)
    cycle = db.session.scalars(query).unique().first()
    return access.ensure_visible(user, cycle)


def get_mission(code: str, user) -> Mission:
    """The mission with its components, if `user` may see it."""
    query = select(Mission).where(Mission.code == code).options(joinedload(Mission.components))
    return access.ensure_visible(user, db.session.scalars(query).unique().first())


def mission_cycles(mission: Mission, *, limit: int | None = None, offset: int = 0) -> list[Cycle]:
    """The mission's cycles, latest deadline first, with their definition rows (a page of them if asked)."""
    query = (
        select(Cycle)
        .where(Cycle.mission_id == mission.id)
        .options(joinedload(Cycle.definition))
        .order_by(Cycle.input_due.desc(), Cycle.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def submission_counts(cycle_ids) -> dict[int, dict[str, int]]:
    """{cycle id: {submission state: how many}} in one statement (a dashboard counts, it loads nothing)."""
    counts: dict[int, dict[str, int]] = {cycle_id: {} for cycle_id in cycle_ids}
    if not counts:
        return counts
    rows = db.session.execute(
        select(Submission.cycle_id, Submission.state, func.count())
        .where(Submission.cycle_id.in_(counts))
        .group_by(Submission.cycle_id, Submission.state)
    )
    for cycle_id, state, n in rows:
        counts[cycle_id][state] = n
    return counts


def audit_trail(cycle_id: int, *, limit: int | None = None, before: int | None = None) -> list[AuditEvent]:
    """The cycle's events oldest first, with their actors: all of them, or the `limit` latest (before
    the event id `before`, to page back)."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.cycle_id == cycle_id)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.on_behalf_of))
    )
    if before is not None:
        query = query.where(AuditEvent.id < before)
    if limit is None:
        return list(db.session.scalars(query.order_by(AuditEvent.id)))
    return list(reversed(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()))


def visible_missions(user, *, with_components: bool = True) -> list[Mission]:
    ids = access.visible_mission_ids(user)
    query = select(Mission).order_by(Mission.code)
    if with_components:
        query = query.options(selectinload(Mission.components))
    if ids is not None:
        query = query.where(Mission.id.in_(ids))
    return list(db.session.scalars(query).unique())
