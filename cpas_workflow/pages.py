"""What every page shares: translated labels for stored codes, dates in the mission's time zone,
and where a task's work is done."""

from __future__ import annotations

import datetime as dt
import functools
import re

from babel import dates as babel_dates
from flask import Flask, request
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from jinja2 import pass_eval_context
from markupsafe import Markup

from cpas_workflow.core import clock, timezones
from cpas_workflow.refusals import refusal_status  # noqa: F401  (views import it from here too)
from cpas_workflow.tasks.links import task_path
from cpas_workflow.tasks.titles import cycle_title, task_title

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
        "change_deadline": _l("Input deadline moved"),
        "add_cycle_component": _l("Component asked for input"),
        "excuse_component": _l("Component excused"),
        "set_guidance": _l("Guidance to the components set"),
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
    # Digits only, the same in every language: strftime, not Babel's pattern formatting (a lookup of the
    # locale per call, and lists show one per row).
    return timezones.local(instant, getattr(mission, "timezone", None)).strftime("%Y-%m-%d %H:%M") + (
        f" {tz}" if mission is None else ""
    )


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


# Audit comments the system writes (not a person), as stored in English -> shown in the reader's language.
_SYSTEM_COMMENTS = {
    "start_cycle": (re.compile(r"\S+ v\d+; components: (?P<codes>.*)"), _l("components: %(codes)s")),
    "import_framework": (
        re.compile(r"(?P<file>.+): (?P<results>\d+) results, (?P<indicators>\d+) indicators"),
        _l("%(file)s: %(results)s results, %(indicators)s indicators"),
    ),
    "revoke_token": (re.compile(r"token (?P<id>\d+)"), _l("token %(id)s")),
}
_VALUE_WORDS = {"no data": _l("no data"), "removed": _l("removed")}


def audit_comment(event) -> str:
    """An audit event's comment as the reader reads it: what a person typed as typed; what the system
    wrote (a cycle's components, a value's change, an import's size) in the reader's language."""
    action, comment = (
        (event.get("action"), event.get("comment")) if isinstance(event, dict) else (event.action, event.comment)
    )
    comment = comment or ""
    found = _SYSTEM_COMMENTS.get(action)
    if found is not None:
        match = found[0].fullmatch(comment)
        return str(found[1]) % match.groupdict() if match else comment
    if action == "change_value":
        head, arrow, tail = comment.partition(": ")
        words = "|".join(re.escape(w) for w in _VALUE_WORDS)
        return head + arrow + re.sub(rf"(?<![^ →])({words})(?![^ →])", lambda m: str(_VALUE_WORDS[m[1]]), tail)
    if action in ("assign_role", "revoke_role", "end_role"):
        role, _, where = comment.partition(" ")
        return f"{label('role', role)} {where}".strip() if role in LABELS["role"] else comment
    return comment


def lang() -> str:
    locale = get_locale()
    name = _LOCALE_NAMES.get(locale)
    if name is None:  # a Locale's name is worked out anew by each str(): pages ask for it on every label
        name = _LOCALE_NAMES[locale] = str(locale or "en")
    return name


_LOCALE_NAMES: dict = {}


def _translators() -> dict:
    """`_`, `gettext`, `ngettext` and `label` for one rendering, bound to the reader's translations once. Flask-Babel's
    own look the translations up again (through `g` and the locale) at every call: a list page says
    "details", "Mission", "Due"… on each of its rows. They do what Jinja's newstyle gettext does."""
    translations = get_translations()
    one, many = translations.ugettext, translations.ungettext

    @pass_eval_context  # not the whole context: Jinja would copy it for each call inside a loop
    def gettext(__eval, __string, **variables):
        found = one(__string)
        if __eval.autoescape:
            found = Markup(found)
        return found % variables if variables or "%" in found else found

    @pass_eval_context
    def ngettext(__eval, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        found = many(__singular, __plural, __num)
        if __eval.autoescape:
            found = Markup(found)
        return found % variables

    locale = lang()

    def label_here(kind: str, value: str | None) -> str:
        return "—" if value is None else _label_in(kind, value, locale)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "label": label_here}


def register_page_helpers(app: Flask) -> None:
    app.context_processor(_translators)
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
    app.jinja_env.filters["cycle_title"] = cycle_title  # a system-made cycle title in the reader's language
    app.jinja_env.filters["audit_comment"] = audit_comment
    app.jinja_env.filters["day"] = local_day
