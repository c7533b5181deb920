"""Turning models into the JSON shapes of the API contract (codes for missions, e-mails for people)."""

from __future__ import annotations

from sqlalchemy import inspect

from cpas_workflow.abilities import allowed_triggers, recommendation_answers, trigger_answers
from cpas_workflow.core import access, clock
from cpas_workflow.core.markdown import render_markdown
from cpas_workflow.engine.approvals import still_open_to
from cpas_workflow.engine.firing import approval_statuses
from cpas_workflow.submissions import indicator_hooks
from cpas_workflow.tasks.links import task_url
from cpas_workflow.tasks.queries import is_overdue, on_behalf_of


def _date(value):
    return value.isoformat() if value is not None else None


def user(u) -> dict:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "roles": [
            {
                "role": a.role,
                "mission": a.mission.code if a.mission else None,
                "component": a.component.code if a.component else None,
            }
            for a in u.roles
            if a.is_current(clock.today())
        ],
        # the roles held for someone else today, through their delegation (each with its delegator)
        "acting_for": [
            {
                "role": g.role,
                "mission": g.mission.code if g.mission else None,
                "component": g.component.code if g.component else None,
                "on_behalf_of": g.on_behalf_of.email,
            }
            for g in access.grants(u)
            if g.on_behalf_of is not None
        ],
    }


def mission(m) -> dict:
    return {
        "code": m.code,
        "name": m.name,
        "timezone": m.timezone,
        "components": [{"code": c.code, "name": c.name, "kind": c.kind} for c in m.components],
    }


def recommendation(r) -> dict:
    return {
        "id": r.id,
        "cycle": r.cycle_id,
        "title": r.title,
        "body": r.body,
        "body_html": render_markdown(r.body),
        "component": r.component.code,
        "due": _date(r.due),
        "decision": r.decision,
        "decision_comment": r.decision_comment,
        "status": r.status,
        "owner": r.owner.email if r.owner else None,
        "carried_from": r.carried_from_id,
        "version": r.version,
        "original_body": r.original_body,
        "original_body_html": render_markdown(r.original_body) if r.original_body is not None else None,
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
        "stage": r.stage,
        "fate": r.fate,
        "stage_comment": r.stage_comment,
        "merged_into": r.merged_into_id,
        "origin": r.origin_id,
        **lineage(r),
        "updates": [
            {
                "at": u.created_at.isoformat(),
                "actor": u.actor.email if u.actor else None,
                "status": u.status,
                "note": u.note,
                "note_html": render_markdown(u.note),
            }
            for u in r.updates
        ],
    }


def recommendation_brief(r) -> dict:
    """A register row: the recommendation and its fate, without its follow-up updates."""
    return {
        "id": r.id,
        "cycle": r.cycle_id,
        "period": r.cycle.period,
        "title": r.title,
        "body": r.body,
        "original_body": r.original_body,
        "component": r.component.code,
        "due": _date(r.due),
        "fate": r.fate,
        "decision": r.decision,
        "decision_comment": r.decision_comment,
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
        "status": r.status,
        "owner": r.owner.email if r.owner else None,
        "reason": r.stage_comment,
        **lineage(r),
    }


def lineage(r) -> dict:
    """Who proposed it, the co-owning components and where a carried-over action came from, when
    the query that loaded `r` brought them (pages and API calls that show them load them)."""
    loaded = set(inspect(r).attrs.keys()) - inspect(r).unloaded
    found = {}
    if "proposed_by" in loaded:
        found["proposed_by"] = r.proposed_by.email if r.proposed_by else None
    if "co_components" in loaded:
        found["co_owners"] = [c.code for c in r.co_components]
    if "carried_from" in loaded and r.carried_from is not None and "cycle" in inspect(r.carried_from).dict:
        earlier = r.carried_from
        found["earlier_decision"] = {
            "period": earlier.cycle.period,
            "decision": earlier.decision,
            "decided_at": earlier.decided_at.isoformat() if earlier.decided_at else None,
            "comment": earlier.decision_comment,
            "status": earlier.status,
        }
    if "origin" in loaded and r.origin is not None and "cycle" in inspect(r.origin).dict:
        found["origin_period"] = r.origin.cycle.period
    return found


def steps(subject, viewer) -> list[dict]:
    """Every step the caller takes from the subject's current state, with the rules checked: allowed,
    or not yet with the reason in plain words (the same answers that enable or disable the pages'
    buttons). `needs_comment`: it is taken only with a comment, `reason` then saying what to write."""
    return [
        {
            "trigger": spec.trigger,
            "allowed": answer.is_allowed,
            "reason": answer.reason or None,
            "needs_comment": spec.is_comment_required or answer.needs_comment,
        }
        for spec, answer in trigger_answers(subject, viewer)
    ]


def actions(r, viewer) -> list[dict]:
    """What the caller may do with one recommendation now (edit, withdraw, decide, change_owner,
    update, settle: those that are theirs at this step), allowed or not with the reason in plain words."""
    return [
        {"action": name, "allowed": answer.is_allowed, "reason": answer.reason or None}
        for name, answer in recommendation_answers(viewer, r)
    ]


def submission_brief(s) -> dict:
    return {
        "id": s.id,
        "component": s.component.code,
        "state": s.state,
        "due": _date(s.due),
        "rating": s.rating,
        "version": s.version,
        "is_required": s.is_required,  # False: excused by the SPU, it no longer holds up the joint review
    }


def cycle(c, viewer) -> dict:
    joint = approval_statuses(c)
    body = {
        **cycle_brief(c),
        "created_at": c.created_at.isoformat(),
        "allowed_triggers": still_open_to(joint, viewer, allowed_triggers(c, viewer)),
        "steps": steps(c, viewer),
        "submissions": [submission_brief(s) for s in c.submissions],
        "recommendations": [recommendation(r) for r in c.recommendations],
        "guidance": c.guidance,
        "guidance_html": render_markdown(c.guidance) if c.guidance else "",
    }
    if joint:  # a joint sign-off under way: who approved, whose approval is awaited
        body["approvals"] = [approvals(status) for status in joint]
    return body


def _person(p) -> dict:
    return {"email": p.email, "name": p.name}


def approvals(status) -> dict:
    return {
        "trigger": status.trigger,
        "required": status.required,
        "missing": status.missing,
        "approved": [
            {
                **_person(g.holder),
                "at": g.at.isoformat(),
                "comment": g.comment,
                "by": g.actor.email if g.actor.id != g.holder.id else None,
            }
            for g in status.given
        ],
        "awaited": [_person(p) for p in status.awaited],
    }


def cycle_brief(c) -> dict:
    return {
        "id": c.id,
        "mission": c.mission.code,
        "workflow": c.workflow,
        "workflow_version": c.workflow_version,
        "period": c.period,
        "title": c.title,
        "state": c.state,
        "version": c.version,
        "input_due": _date(c.input_due),
    }


def submission(s, viewer) -> dict:
    return {
        "id": s.id,
        "cycle": s.cycle_id,
        "component": s.component.code,
        "state": s.state,
        "version": s.version,
        "due": _date(s.due),
        "narrative": s.narrative,
        "narrative_html": render_markdown(s.narrative),
        "rating": s.rating,
        "indicator_values": indicator_hooks.serialize_values(s),
        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
        "endorsed_at": s.endorsed_at.isoformat() if s.endorsed_at else None,
        "allowed_triggers": allowed_triggers(s, viewer),
        "steps": steps(s, viewer),
    }


def event(e) -> dict:
    return {
        "at": e.at.isoformat(),
        "actor": e.actor.email if e.actor else None,
        "on_behalf_of": e.on_behalf_of.email if e.on_behalf_of else None,
        "action": e.action,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "comment": e.comment,
        "subject": e.subject,
    }


def task(t, viewer=None) -> dict:
    acting_for = on_behalf_of(viewer, t) if viewer is not None else None
    return {
        "id": t.id,
        "title": t.title,
        "due": _date(t.due),
        "overdue": is_overdue(t),
        "cycle": t.cycle_id,
        "mission": t.mission.code,
        "component": t.component.code if t.component else None,
        "role": t.role,
        "url": task_url(t),
        "assignee": t.assignee.email if t.assignee else None,
        "on_behalf_of": acting_for.email if acting_for else None,
    }
