"""What every page shares: translated labels for stored codes, dates in the mission's time zone,
and where a task's work is done."""

from __future__ import annotations

import datetime as dt
import functools

from babel import dates as babel_dates
from flask import Flask, request
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from cpas_workflow.core import clock, timezones
from cpas_workflow.refusals import refusal_status  # noqa: F401  (views import it from here too)
from cpas_workflow.tasks.links import task_path
from cpas_workflow.tasks.titles import task_title

LABELS: dict[str, dict[str, object]] = {
    "state": {
        "draft_plan": _l("Draft plan"),
        "component_input": _l("Component input"),
        "joint_review": _l("Joint review"),
        "leadership_signoff": _l("Leadership sign-off"),
        "followup": _l("Follow-up"),
        "closed": _l("Closed"),
        "correction": _l("Reopened for correction"),
        "cancelled": _l("Cancelled"),
        "draft": _l("Draft"),
        "published": _l("Published"),
        "pending": _l("Pending"),
        "submitted": _l("Submitted"),
        "endorsed": _l("Endorsed"),
        "returned": _l("Returned for revision"),
    },
    "trigger": {
        "open_input": _l("Open component input"),
        "start_review": _l("Start the joint review"),
        "return_to_component": _l("Return input to a component"),
        "submit_for_signoff": _l("Submit for leadership sign-off"),
        "approve": _l("Approve the assessment"),
        "return_for_rework": _l("Return for rework"),
        "close": _l("Close the cycle"),
        "reopen_for_correction": _l("Reopen for correction"),
        "cancel": _l("Cancel the cycle"),
        "publish": _l("Publish the plan"),
        # audit actions that are not triggers
        "approval": _l("Approval given (more awaited)"),
        "start_cycle": _l("Cycle started"),
        "edit_submission": _l("Input edited"),
        "change_value": _l("Indicator value changed"),
        "draft_recommendation": _l("Recommendation drafted"),
        "approve_recommendation": _l("Recommendation approved"),
        "reject_recommendation": _l("Recommendation rejected"),
        "amend_recommendation": _l("Recommendation amended"),
        "update_recommendation": _l("Follow-up update"),
        "edit_recommendation": _l("Recommendation edited"),
        "withdraw_recommendation": _l("Recommendation withdrawn"),
        "propose_recommendation": _l("Recommendation proposed"),
        "accept_proposal": _l("Proposal accepted"),
        "merge_proposal": _l("Proposal merged into a draft"),
        "decline_proposal": _l("Proposal declined"),
        "change_owner": _l("Action owner changed"),
        "create_user": _l("User created"),
        "assign_role": _l("Role given"),
        "revoke_role": _l("Role withdrawn"),
        "end_role": _l("Role ended"),
        "delegate": _l("Roles delegated"),
        "end_delegation": _l("Delegation ended"),
        "claim_task": _l("Task taken"),
        "assign_task": _l("Task assigned"),
        "acknowledge_handover": _l("Handover acknowledged"),
        "write_handover_notes": _l("Handover notes written"),
        "enable_user": _l("User enabled"),
        "disable_user": _l("User disabled"),
        "change_password": _l("Password changed"),
        "revoke_token": _l("API token revoked"),
        "sign_out_everywhere": _l("Signed out everywhere"),
        "create_mission": _l("Mission created"),
        "update_mission": _l("Mission edited"),
        "add_component": _l("Component added"),
        "comment_submission": _l("Comment on input"),
        "comment": _l("Comment"),
        "attach_file": _l("File attached"),
        "delete_attachment": _l("File removed"),
        "submit": _l("Submit"),
        "endorse": _l("Endorse"),
        "return": _l("Return with comment"),
    },
    "notice": {
        "task_opened": _l("Task"),
        "mention": _l("Mention"),
        "reply": _l("Reply"),
        "returned": _l("Returned"),
        "decision": _l("Decision"),
    },
    "rating": {
        "on_track": _l("On track"),
        "some_progress": _l("Some progress"),
        "no_progress": _l("No progress"),
        "regression": _l("Regression"),
        "not_assessed": _l("Not assessed"),
    },
    "decision": {
        "approved": _l("Approved"),
        "rejected": _l("Rejected"),
        "amended": _l("Amended"),
        "approve": _l("Approve"),
        "reject": _l("Reject"),
        "amend": _l("Amend"),
    },
    "status": {
        "open": _l("Open"),
        "in_progress": _l("In progress"),
        "done": _l("Done"),
        "dropped": _l("Dropped"),
        "carried_over": _l("Carried over"),
    },
    "fate": {
        "proposed": _l("Proposed"),
        "declined": _l("Declined"),
        "merged": _l("Merged into a draft"),
        "withdrawn": _l("Withdrawn"),
        "drafted": _l("Drafted"),
        "approved": _l("Approved"),
        "rejected": _l("Rejected"),
        "amended": _l("Amended"),
        "done": _l("Done"),
        "dropped": _l("Dropped"),
        "carried_over": _l("Carried over"),
    },
    "settlement": {
        "accept": _l("Accept as a draft"),
        "merge": _l("Merge into a draft"),
        "decline": _l("Decline"),
    },
    "role": {
        "spu": _l("Strategic Planning Unit"),
        "focal_point": _l("Focal point"),
        "component_head": _l("Component head"),
        "leadership": _l("Leadership"),
        "viewer": _l("Viewer"),
        "hq": _l("Headquarters"),
        "admin": _l("Administrator"),
    },
    "notify": {
        "immediate": _l("Immediately"),
        "daily": _l("Daily digest"),
        "weekly": _l("Weekly digest"),
        "off": _l("Off"),
    },
    "language": {"en": "English", "fr": "Français"},  # each language in its own name, never translated
    "kind": {
        "civilian": _l("Civilian"),
        "military": _l("Military"),
        "police": _l("Police"),
        "field_office": _l("Field office"),
    },
}


def label(kind: str, value: str | None) -> str:
    """The translated label of a stored code (a state, a rating…); the code itself if unknown."""
    if value is None:
        return "—"
    return _label_in(kind, value, lang())


@functools.lru_cache(maxsize=4096)
def _label_in(kind: str, value: str, locale: str) -> str:
    # Cached per language: a page shows the same few labels on every row, and a lazy string
    # looks up the request's translations each time it is read.
    found = LABELS.get(kind, {}).get(value)
    if found is None:  # an audit event's to_state may be a decision or an action status
        found = next((labels[value] for labels in LABELS.values() if value in labels), value.replace("_", " "))
    return str(found)


def choices(kind: str, values) -> list[tuple[str, str]]:
    return [(v, label(kind, v)) for v in values]


def local_datetime(instant: dt.datetime | None, mission=None) -> str:
    """An instant shown in the mission's time zone (UTC when no mission), in the reader's language."""
    if instant is None:
        return ""
    tz = timezones.zone(mission.timezone if mission is not None else None)
    return format_datetime(
        timezones.local(instant, getattr(mission, "timezone", None)), "yyyy-MM-dd HH:mm", rebase=False
    ) + (f" {tz}" if mission is None else "")


def local_day(day: dt.date | None) -> str:
    return _day_in(day, lang()) if day is not None else ""


@functools.lru_cache(maxsize=4096)
def _day_in(day: dt.date, locale: str) -> str:
    # Lists show the same due dates on many rows; formatting one costs more than the rest of its row.
    return babel_dates.format_date(day, "medium", locale=locale)


def today_in(mission) -> dt.date:
    return timezones.local_date(clock.now(), mission.timezone)


def days_left(day: dt.date, mission) -> int:
    return (day - today_in(mission)).days


def task_link(task) -> str:
    """Where the work of a task is done, on this site (tasks/links.py answers for every caller)."""
    return request.script_root + task_path(task)


def acting_name(actor, on_behalf_of=None) -> str:
    """A person as the record names them: "X for Y" when X acted on Y's delegation."""
    if actor is None:
        return str(_l("system"))
    if on_behalf_of is None:
        return actor.name
    return str(_l("%(actor)s for %(delegator)s", actor=actor.name, delegator=on_behalf_of.name))


def lang() -> str:
    return str(get_locale() or "en")


def register_page_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        label=label,
        task_link=task_link,
        days_left=days_left,
        today_in=today_in,
        lang=lang,
        acting_name=acting_name,
        today_utc=clock.today,
    )
    app.jinja_env.filters["localtime"] = local_datetime
    app.jinja_env.globals["task_title"] = task_title  # a stored task title in the reader's language
    app.jinja_env.filters["day"] = local_day
