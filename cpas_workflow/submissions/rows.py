"""A submission read as one row to fire a trigger on it (the API's transitions, 300 and more a second).

One statement, built once per process and run with the id: the submission's state, version and input,
its component, its cycle and mission (what guards, tasks, notices and the audit event read of them)
and the checksum of its pinned definition (parsed once per process). The engine fires on it as on a
`Submission` (the same attributes) but writes it back with one `UPDATE … WHERE version = :seen`
instead of the ORM's unit of work; no object enters the session."""

from __future__ import annotations

import functools
from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from cpas_workflow.core import access
from cpas_workflow.core.db import run
from cpas_workflow.engine import store
from cpas_workflow.submissions.models import Submission


class SubmissionRow:
    """What the engine reads and writes of a submission, as plain attributes (no ORM object)."""

    __tablename__ = "submissions"
    __table__ = Submission.__table__
    # the columns a firing may change, written back by `engine.firing` (the version checked and raised)
    WRITTEN = ("state", "submitted_at", "endorsed_at", "updated_at")
    stamp_entry = Submission.stamp_entry

    def __init__(self, row, definition) -> None:
        self.id, self.state, self.version, self.cycle_id = row.id, row.state, row.version, row.cycle_id
        self.component_id, self.due, self.is_required = row.component_id, row.due, row.is_required
        self.narrative, self.rating = row.narrative, row.rating
        self.submitted_at, self.endorsed_at, self.updated_at = row.submitted_at, row.endorsed_at, row.updated_at
        mission = SimpleNamespace(id=row.mission_id, code=row.mission_code, timezone=row.mission_timezone)
        self.component = SimpleNamespace(
            id=row.component_id, code=row.component_code, name=row.component_name, mission_id=row.mission_id
        )
        self.cycle = SimpleNamespace(
            id=row.cycle_id,
            mission_id=row.mission_id,
            mission=mission,
            state=row.cycle_state,
            period=row.period,
            title=row.cycle_title,
            workflow=row.workflow,
            input_due=row.input_due,
            framework_version_id=row.framework_version_id,
            submission_definition_id=row.definition_id,
        )
        self.pinned_definition = definition

    @property
    def mission(self):
        return self.cycle.mission

    def written(self) -> dict:
        return {name: getattr(self, name) for name in self.WRITTEN}

    def __repr__(self) -> str:
        return f"<SubmissionRow {self.id} {self.state}>"


@functools.cache
def _query():
    from cpas_workflow.cycles.models import Cycle
    from cpas_workflow.engine.models import WorkflowDefinition
    from cpas_workflow.missions.models import Component, Mission

    s = Submission
    cycle_definition = aliased(WorkflowDefinition)  # its name is the cycle's workflow
    return (
        select(
            s.id,
            s.state,
            s.version,
            s.cycle_id,
            s.component_id,
            s.due,
            s.is_required,
            s.narrative,
            s.rating,
            s.submitted_at,
            s.endorsed_at,
            s.updated_at,
            Component.code.label("component_code"),
            Component.name.label("component_name"),
            Cycle.mission_id,
            Cycle.state.label("cycle_state"),
            Cycle.period,
            Cycle.title.label("cycle_title"),
            cycle_definition.name.label("workflow"),
            Cycle.input_due,
            Cycle.framework_version_id,
            Mission.code.label("mission_code"),
            Mission.timezone.label("mission_timezone"),
            WorkflowDefinition.id.label("definition_id"),
            WorkflowDefinition.checksum,
        )
        .join(Component, Component.id == s.component_id)
        .join(Cycle, Cycle.id == s.cycle_id)
        .join(Mission, Mission.id == Cycle.mission_id)
        .join(cycle_definition, cycle_definition.id == Cycle.definition_id)
        .outerjoin(WorkflowDefinition, WorkflowDefinition.id == Cycle.submission_definition_id)
        .where(s.id == bindparam("submission_id"))
    )


def submission_to_fire(submission_id: int, user) -> SubmissionRow:
    """The submission as a row to fire a trigger on; NotFound when it does not exist or `user` may not
    see it (as `operations.get_submission`)."""
    row = run(_query(), {"submission_id": submission_id}).first()
    if row is None:
        return access.ensure_visible(user, None)
    definition = store.parsed(row.definition_id, row.checksum) if row.definition_id is not None else None
    return access.ensure_visible(user, SubmissionRow(row, definition))
