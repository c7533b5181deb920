"""What the submission page shows beside the input itself: the component's indicators with what is
saved, last period's values, the history of changed values, and why the input was returned."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.extensions import db
from cpas_workflow.framework import entries, queries, reports
from cpas_workflow.framework.models import Indicator, IndicatorValue
from cpas_workflow.tasks.models import Task

# A refused field's name in the operation (left) and the id of its box on the page (right).
FIELD_IDS = {"value": "value-", "indicator": "value-", "no_data_reason": "reason-", "note": "note-"}


@dataclass
class IndicatorsShown:
    indicators: list[Indicator]
    saved: dict[str, IndicatorValue]
    previous_period: str | None = None
    previous: dict[str, IndicatorValue] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)  # codes whose value was submitted (a change is kept)
    needs_reason: bool = False  # leadership approved the values: a change needs its reason
    history: dict = field(default_factory=dict)

    @property
    def missing(self) -> list[Indicator]:
        return [i for i in self.indicators if i.code not in self.saved]


def indicators_shown(submission, *, editing: bool) -> IndicatorsShown:
    """The component's indicators and saved values; while editing, last period's values too, and
    once the input was submitted before, which values were submitted and their history."""
    if not editing:  # read: the values as they stand, and how any was changed after its submission
        rows = queries.indicators_with_values(submission)
        saved = {i.code: v for i, v in rows if v is not None}
        history = reports.value_history([submission.id]) if saved else {}
        return IndicatorsShown([i for i, _v in rows], saved, history=history)
    indicators = queries.indicators_of(submission)
    if not indicators:
        return IndicatorsShown([], {})
    saved, period, previous = queries.values_with_previous(submission)
    shown = IndicatorsShown(indicators, {v.indicator.code: v for v in saved}, period, previous)
    if submission.state != "pending":  # submitted before: changes of submitted values are kept
        submitted_at = queries.last_submitted_at(submission)
        shown.submitted = {
            code for code, v in shown.saved.items() if submitted_at is not None and v.created_at <= submitted_at
        }
        shown.needs_reason = submission.cycle.state == "correction"
        shown.history = reports.value_history([submission.id])
    return shown


def latest_return(submission) -> AuditEvent | None:
    """The event that sent the input back for revision (who, when, why), with its actor."""
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.cycle_id == submission.cycle_id,
            AuditEvent.subject.startswith(f"submission:{submission.id}:"),
            AuditEvent.action == "return",
        )
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def open_task_due(submission):
    """When the focal point's open task on this input is due (the revision's own date once it was
    returned: My tasks shows the same), or None."""
    return db.session.scalar(
        select(func.min(Task.due)).where(
            Task.submission_id == submission.id, Task.closed_at.is_(None), Task.role == "focal_point"
        )
    )


def field_id(name: str) -> str:
    """The id of the page's box for a problem named by the operation (`indicator_values.CODE.value`)."""
    if not name.startswith(entries.PREFIX):
        return name
    code = entries.code_of(name)
    return FIELD_IDS.get(name.rsplit(".", 1)[1], name.rsplit(".", 1)[1] + "-") + code
