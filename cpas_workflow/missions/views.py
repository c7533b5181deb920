"""Pages of a mission: its dashboard (cycles, progress, timeline), starting a cycle, the follow-up board."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cpas_workflow import abilities
from cpas_workflow.core import access, stash
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.errors import DomainError
from cpas_workflow.cycles import operations as cycle_operations
from cpas_workflow.cycles import timeline
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.cycles.queries import get_mission, mission_cycles, submission_counts
from cpas_workflow.cycles.views import progress, steps
from cpas_workflow.engine import store
from cpas_workflow.extensions import db
from cpas_workflow.framework import documents
from cpas_workflow.framework.queries import published_cycle_ids
from cpas_workflow.pages import choices, refusal_status, today_in
from cpas_workflow.recommendations.models import ACTION_STATUSES, SETTLED_STATUSES
from cpas_workflow.recommendations.queries import (
    PAGE_SIZE,
    STATUSES,
    board_page,
    board_rows,
    co_owner_ids,
    parse_filter,
)
from cpas_workflow.refusals import commit
from cpas_workflow.tasks.titles import cycle_title
from cpas_workflow.views import bp
from forms.cycles import StartCycleForm
from forms.recommendations import UpdateForm

TIMELINE_LENGTH = 25
CYCLES_SHOWN = 12  # the latest cycles first; older ones a page further
DEFAULT_WORKFLOW = "quarterly_assessment"


@bp.get("/missions/<code>")
@login_required
def mission(code: str):
    item = get_mission(code, current_user)
    page = request.args.get("page", type=int) or 1
    page = page if 0 < page <= 100_000 else 1
    cycles = mission_cycles(item, limit=CYCLES_SHOWN + 1, offset=(page - 1) * CYCLES_SHOWN)
    has_more, cycles = len(cycles) > CYCLES_SHOWN, cycles[:CYCLES_SHOWN]
    counts = submission_counts([c.id for c in cycles])
    rows = db.session.execute(
        timeline.with_names(
            select(AuditEvent, Cycle.title)
            .join(Cycle, Cycle.id == AuditEvent.cycle_id)
            .where(AuditEvent.mission_id == item.id)
            .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.on_behalf_of))
            .order_by(AuditEvent.id.desc())
            .limit(TIMELINE_LENGTH)
        )
    ).all()
    events = [row[0] for row in rows]
    names = timeline.named(
        timeline.Names(components={c.code: c.name for c in item.components}, recommendations={}), rows
    )
    return render_template(
        "missions/show.html",
        mission=item,
        cycles=[(c, progress(c, counts[c.id]), steps(c)) for c in cycles],
        page=page,
        has_more=has_more,
        timeline=timeline.entries(events, names),
        cycle_titles={row[0].cycle_id: row[1] for row in rows},
        can_start=access.can(current_user, "start_cycle", item),
        published=published_cycle_ids(item),
    )


def _start_form(mission, form: StartCycleForm | None = None) -> StartCycleForm:
    form = form or StartCycleForm(
        formdata=None, workflow=DEFAULT_WORKFLOW, components=[c.code for c in mission.components]
    )
    workflows = [d for d in store.current_definitions().values() if d.subject == "cycle"]
    workflows.sort(key=lambda d: (d.name != DEFAULT_WORKFLOW, d.name))
    form.workflow.choices = [(d.name, d.title) for d in workflows]
    form.components.choices = [(c.code, f"{c.code} — {c.name}") for c in mission.components]
    return form


@bp.get("/missions/<code>/cycles/new")
@login_required
def new_cycle(code: str):
    item = get_mission(code, current_user)
    access.require(current_user, "start_cycle", item)
    return render_template("missions/new_cycle.html", mission=item, form=_start_form(item))


@bp.post("/missions/<code>/cycles/new")
@login_required
def start_cycle(code: str):
    item = get_mission(code, current_user)
    access.require(current_user, "start_cycle", item)
    form = _start_form(item, StartCycleForm())
    if not form.validate_on_submit():
        return render_template("missions/new_cycle.html", mission=item, form=form), 422
    draft = cycle_operations.CycleDraft(
        workflow=form.workflow.data,
        period=form.period.data,
        input_due=form.input_due.data,
        components=list(form.components.data),
        title=form.title.data or None,
    )
    try:
        cycle = cycle_operations.start_cycle(item, draft, current_user)
        commit()
    except DomainError as exc:
        db.session.rollback()
        status = refusal_status(exc, form)
        return render_template("missions/new_cycle.html", mission=get_mission(code, current_user), form=form), status
    flash(
        _("Cycle “%(title)s” started. Open component input when the plan is ready.", title=cycle_title(cycle.title)),
        "success",
    )
    return redirect(url_for("web.cycle", cycle_id=cycle.id))


def update_key(mission) -> str:
    """The form stash of a progress update refused on the mission's follow-up board."""
    return f"followup:{mission.code}:update"


def _kept_update(mission) -> dict:
    """After a refused update: {its recommendation's id: its form as typed, with its errors}."""
    kept = stash.kept(current_user, update_key(mission)) if request.args.get("kept") else None
    if not kept:
        return {}
    return {kept["rec"]: stash.refill(UpdateForm, kept["typed"], kept["errors"], prefix=f"u{kept['rec']}")}


def render_followup(mission, board=None):
    """The follow-up board: one page of the actions `board` asks for, by component, with an update
    form where the reader may add one (drawn from one list of statuses, not a form object per row)."""
    board = board or parse_filter(request.args, mission, current_user)
    today = today_in(mission)
    actions, total = board_page(mission, board, current_user, today)
    statuses = choices("status", ACTION_STATUSES)
    if access.can(current_user, "carry_over_recommendation", mission):
        statuses = choices("status", STATUSES)
    groups: dict = {}
    editable, owner_changeable = set(), set()
    reader = current_user._get_current_object()  # asked about every row: once through the proxy
    for rec in actions:
        groups.setdefault(rec.component, []).append(rec)
        if abilities.can_update_recommendation(reader, rec):
            editable.add(rec.id)
        if abilities.can_change_owner(reader, rec):
            owner_changeable.add(rec.id)
    _add_shared(mission, [r for r in actions if r.id not in editable and abilities.is_followed_up(r)], editable)
    forms = {}
    for rec_id, form in _kept_update(mission).items():
        form.status.choices = statuses
        forms[rec_id] = form
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template(
        "missions/followup.html",
        mission=mission,
        groups=sorted(groups.items(), key=lambda kv: kv[0].code),
        editable=editable,
        owner_changeable=owner_changeable,
        forms=forms,
        statuses=statuses,
        board=board,
        total=total,
        pages=pages,
        today=today,
        settled=SETTLED_STATUSES,
        status_choices=choices("status", STATUSES),
    )


def _add_shared(mission, actions, editable: set) -> None:
    """Heads of a component sharing an action update it too (looked up only for actions the reader
    may not update otherwise, so the SPU's board costs nothing more)."""
    if not actions:
        return
    shared = co_owner_ids(r.id for r in actions)
    heads_of = {c.id for c in mission.components if access.holds_any(current_user, ("component_head",), c)}
    editable.update(r.id for r in actions if shared.get(r.id, set()) & heads_of)


@bp.get("/missions/<code>/follow-up")
@login_required
def followup(code: str):
    return render_followup(get_mission(code, current_user))


@bp.get("/missions/<code>/follow-up.<any(csv, xlsx):fmt>")
@login_required
def followup_export(code: str, fmt: str):
    """Every action the board's filter matches (not one page), as a spreadsheet."""
    mission = get_mission(code, current_user)
    board = parse_filter(request.args, mission, current_user)
    today = today_in(mission)
    header, rows = board_table(board_rows(mission, board, current_user, today), today)
    return documents.spreadsheet(header, rows, fmt, "follow-up", f"{mission.code}-follow-up.{fmt}")


def board_table(actions, today) -> tuple[list[str], list[list]]:
    header = [
        "id",
        "title",
        "component",
        "period",
        "decision",
        "status",
        "owner",
        "due",
        "overdue",
        "last_update",
        "note",
    ]
    rows = []
    for rec in actions:
        last = rec.updates[-1] if rec.updates else None
        rows.append(
            [
                rec.id,
                rec.title,
                rec.component.code,
                rec.cycle.period,
                rec.decision,
                rec.status,
                rec.owner.email if rec.owner else "",
                rec.due.isoformat(),
                "yes" if rec.due < today and rec.status not in SETTLED_STATUSES else "no",
                last.created_at.date().isoformat() if last else "",
                last.note if last else "",
            ]
        )
    return header, rows
