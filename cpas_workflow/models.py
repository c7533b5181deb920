"""Imports every feature's models, so that the metadata knows every table."""

from cpas_workflow.accounts.models import (
    ApiToken,
    Delegation,
    Handover,
    RoleAssignment,
    SignInAttempt,
    User,
    UserSession,
)
from cpas_workflow.comments.models import Comment
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.stash import FormStash
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.engine.approvals import Approval
from cpas_workflow.engine.models import WorkflowDefinition
from cpas_workflow.evidence.models import Attachment
from cpas_workflow.framework.models import FrameworkVersion, Indicator, IndicatorValue, Result
from cpas_workflow.missions.models import Component, Mission
from cpas_workflow.recommendations.models import Recommendation, RecommendationUpdate
from cpas_workflow.submissions.models import Submission, SubmissionComment
from cpas_workflow.tasks.models import Task
from notifications.heartbeat import SchedulerHeartbeat
from notifications.inbox import Notification
from notifications.models import OutboxMessage

__all__ = [
    "Approval",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Comment",
    "Delegation",
    "Handover",
    "OutboxMessage",
    "Notification",
    "SchedulerHeartbeat",
    "Component",
    "Cycle",
    "Mission",
    "Recommendation",
    "RecommendationUpdate",
    "RoleAssignment",
    "Submission",
    "Task",
    "User",
    "UserSession",
    "SignInAttempt",
    "WorkflowDefinition",
    "FormStash",
    "FrameworkVersion",
    "Indicator",
    "IndicatorValue",
    "Result",
    "SubmissionComment",
]
