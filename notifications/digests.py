"""Digests: one e-mail per `daily` or `weekly` user per period, listing their overdue and soon-due
tasks and what changed in their missions' cycles since the last digest; nothing when nothing to say.

The period starts at CPAS_DIGEST_HOUR (weekly: on CPAS_DIGEST_WEEKDAY, 0 = Monday) in the user's
time zone: that of the mission of their first role assignment, UTC for users with no mission role
(hq, admin). A digest is due once the period has started and none was built in it; a scheduler that
was down catches up on its next pass. Everything is read in a fixed number of queries, however many
users there are (see bench/digests.py), and each digest is queued unrendered: its lists as JSON,
rendered when it is sent (`render_digest`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel.speaklater import LazyString
from sqlalchemy import and_, bindparam, literal, select, union_all, update

from cpas_workflow.accounts.models import Delegation, RoleAssignment, User
from cpas_workflow.accounts.queries import delegation_in_force
from cpas_workflow.core import timezones
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.core.db import UTCDateTime
from cpas_workflow.core.text import N_
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from cpas_workflow.pages import local_day
from cpas_workflow.tasks.links import task_path
from cpas_workflow.tasks.models import Task
from notifications.inbox import Notification
from notifications.outbox import Deferred, add_deferred, deferred_row, renders
from notifications.recipients import current_assignment

HORIZON_DAYS = {"daily": 7, "weekly": 14}  # "due soon" reaches this far ahead
PERIOD = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}
MAX_CHANGES = 30
DIGEST_NOTICES = ("mention", "reply")  # what `immediate` readers are e-mailed at once


@dataclass
class Reader:
    id: int
    email: str
    name: str
    language: str
    notify: str
    since: dt.datetime
    period_start: dt.datetime
    tz: str
    assignments: list = field(default_factory=list)


def period_start(now: dt.datetime, tz_name: str, notify: str, hour: int, weekday: int) -> dt.datetime:
    """The start (an aware UTC instant) of the digest period `now` falls in, in `tz_name`."""
    local = timezones.local(now, tz_name)
    start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if notify == "weekly":
        start -= dt.timedelta(days=(local.weekday() - weekday) % 7)
    if start > local:
        start -= PERIOD[notify]
    # Re-anchor the wall-clock hour in the zone (a daylight-saving change may lie in between).
    naive = start.replace(tzinfo=None)
    return naive.replace(tzinfo=timezones.zone(tz_name)).astimezone(dt.UTC)


def _readers(now: dt.datetime) -> list[Reader]:
    config = current_app.config
    users = db.session.execute(
        select(User.id, User.email, User.name, User.language, User.notify, User.last_digest_at, User.created_at)
        .where(User.notify.in_(tuple(PERIOD)), User.is_enabled.is_(True))
        .order_by(User.id)
    ).all()
    assignments = defaultdict(list)
    for row in db.session.execute(_reader_assignments(now.date())):
        assignments[row.user_id].append(row)
    zones = dict(db.session.execute(select(Mission.id, Mission.timezone)).all())
    readers = []
    starts: dict[tuple[str, str], dt.datetime] = {}  # one per time zone and period, not per user
    for user in users:
        held = assignments.get(user.id, [])
        tz = zones.get(held[0].mission_id, "UTC") if held else "UTC"
        start = starts.get((tz, user.notify))
        if start is None:
            hour, weekday = config["CPAS_DIGEST_HOUR"], config["CPAS_DIGEST_WEEKDAY"]
            start = starts[(tz, user.notify)] = period_start(now, tz, user.notify, hour, weekday)
        last = user.last_digest_at or user.created_at
        if last >= start:
            continue
        since = user.last_digest_at or (start - PERIOD[user.notify])
        readers.append(Reader(user.id, user.email, user.name, user.language, user.notify, since, start, tz, held))
    return readers


def _reader_assignments(today: dt.date):
    """The mission and component roles digest readers hold today: their own current assignments, then
    those they hold as a delegate (one statement; ordered so a reader's own mission comes first)."""
    columns = (RoleAssignment.role, RoleAssignment.mission_id, RoleAssignment.component_id)
    readers = (User.notify.in_(tuple(PERIOD)), User.is_enabled.is_(True), RoleAssignment.mission_id.is_not(None))
    own = (
        select(RoleAssignment.user_id, *columns, literal(0).label("delegated"), RoleAssignment.id.label("ord"))
        .join(User, User.id == RoleAssignment.user_id)
        .where(*readers, current_assignment(today))
    )
    delegated = (
        select(Delegation.delegate_id, *columns, literal(1), RoleAssignment.id)
        .join(
            Delegation,
            and_(Delegation.delegator_id == RoleAssignment.user_id, Delegation.mission_id == RoleAssignment.mission_id),
        )
        .join(User, User.id == Delegation.delegate_id)
        .where(*readers, current_assignment(today), *delegation_in_force(today))
    )
    every = union_all(own, delegated).subquery()
    return select(every).order_by(every.c.delegated, every.c.ord)


class TaskIndex:
    """Open tasks, indexed the way they are addressed (see tasks.queries.open_addressed_to)."""

    def __init__(self, rows) -> None:
        self.by_assignee, self.by_component, self.by_mission = defaultdict(list), defaultdict(list), defaultdict(list)
        for t in rows:
            if t.assignee_id is not None:
                self.by_assignee[t.assignee_id].append(t)
            else:
                self.by_mission[(t.role, t.mission_id)].append(t)
                if t.component_id is not None:
                    self.by_component[(t.role, t.component_id)].append(t)

    def for_reader(self, reader: Reader) -> list:
        sources = [self.by_assignee.get(reader.id, ())]
        for a in reader.assignments:
            bucket = self.by_component if a.component_id is not None else self.by_mission
            sources.append(bucket.get((a.role, a.component_id if a.component_id is not None else a.mission_id), ()))
        sources = [s for s in sources if s]
        if len(sources) == 1:
            return sources[0]  # already by due date (the query's order)
        return sorted({t.id: t for s in sources for t in s}.values(), key=lambda t: (t.due, t.id))


def _open_tasks(readers: list[Reader], last_due: dt.date):
    """What deciding who sees which task needs; the rest of a task is read when the digest is sent."""
    return db.session.execute(
        select(Task.id, Task.role, Task.mission_id, Task.component_id, Task.assignee_id, Task.due, Mission.timezone)
        .join(Mission, Mission.id == Task.mission_id)
        .where(Task.closed_at.is_(None), Task.due <= last_due)
        .order_by(Task.due, Task.id)
    ).all()


def _changes(readers: list[Reader]) -> dict[int, list]:
    """Audit events per mission since the earliest `since` (what choosing them needs)."""
    if not readers:
        return {}
    mission_ids = {a.mission_id for r in readers for a in r.assignments}
    events = db.session.execute(
        select(AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, AuditEvent.mission_id)
        .where(
            AuditEvent.at > min(r.since for r in readers),
            AuditEvent.mission_id.in_(mission_ids),
            AuditEvent.cycle_id.is_not(None),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    by_mission = defaultdict(list)
    for event in events:
        by_mission[event.mission_id].append(event)
    return by_mission


def _notices(readers: list[Reader]) -> dict[int, list]:
    """Each reader's unread mentions and replies (what comment e-mails would have told them at once)."""
    if not readers:
        return {}
    rows = db.session.execute(
        select(Notification.id, Notification.user_id, Notification.created_at)
        .where(
            Notification.user_id.in_([r.id for r in readers]),
            Notification.kind.in_(DIGEST_NOTICES),
            Notification.read_at.is_(None),
            Notification.created_at > min(r.since for r in readers),
        )
        .order_by(Notification.id)
    ).all()
    by_user = defaultdict(list)
    for row in rows:
        by_user[row.user_id].append(row)
    return by_user


def build_digest(
    reader: Reader, tasks: list, events: list, now: dt.datetime, notices: list | None = None
) -> Deferred | None:
    """The outbox row of one reader's digest, or None when there is nothing to tell them. It holds the
    ids of the tasks and events to list; their titles and names are read when it is sent."""
    horizon = HORIZON_DAYS[reader.notify]
    today_by_tz: dict[str, dt.date] = {}
    overdue, due_soon = [], []
    for t in tasks:
        today = today_by_tz.get(t.timezone) or today_by_tz.setdefault(t.timezone, timezones.local_date(now, t.timezone))
        if t.due < today:
            overdue.append(t.id)
        elif (t.due - today).days <= horizon:
            due_soon.append(t.id)
    changes = [e.id for e in events if e.at > reader.since and e.actor_id != reader.id]
    told = [n.id for n in notices or () if n.created_at > reader.since][-MAX_CHANGES:]
    if not (overdue or due_soon or changes or told):
        return None
    local_day = timezones.local_date(reader.period_start, reader.tz)
    context = {
        "period": reader.notify,
        "day": local_day.isoformat(),
        "tz": reader.tz,
        "at": now.isoformat(),
        "horizon": horizon,
        "overdue": overdue,
        "due_soon": due_soon,
        "changes": changes[-MAX_CHANGES:],
        "more_changes": max(len(changes) - MAX_CHANGES, 0),
        "notices": told,
    }
    key = f"digest:user-{reader.id}:{reader.notify}:{local_day.isoformat()}"
    return deferred_row(key, "digest", reader, json.dumps(context))


def _task_items(ids: list[int], at: dt.datetime) -> list[dict]:
    rows = db.session.execute(
        select(
            Task.id,
            Task.key,
            Task.title,
            Task.cycle_id,
            Task.submission_id,
            Task.recommendation_id,
            Task.due,
            Mission.code.label("mission"),
            Mission.code.label("mission_code"),
            Mission.timezone,
        )
        .join(Mission, Mission.id == Task.mission_id)
        .where(Task.id.in_(ids))
    ).all()
    by_id = {r.id: r for r in rows}
    base = current_app.config["CPAS_BASE_URL"].rstrip("/")
    items = []
    for task_id in ids:
        t = by_id.get(task_id)
        if t is not None:
            days = (t.due - timezones.local_date(at, t.timezone)).days
            items.append(
                {"title": t.title, "due": t.due, "days": days, "mission": t.mission, "url": base + task_path(t)}
            )
    return items


def _change_items(ids: list[int], tz: str) -> list[dict]:
    rows = db.session.execute(
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.cycle_id,
            AuditEvent.action,
            AuditEvent.from_state,
            AuditEvent.to_state,
            AuditEvent.comment,
            User.name.label("actor"),
            Cycle.title.label("cycle_title"),
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Cycle, Cycle.id == AuditEvent.cycle_id)
        .where(AuditEvent.id.in_(ids))
    ).all()
    by_id = {r.id: r for r in rows}
    base = current_app.config["CPAS_BASE_URL"].rstrip("/")
    return [
        {
            "at": timezones.local(e.at, tz),  # the reader's clock, as their due dates are their local days
            "actor": e.actor or "",
            "action": e.action,  # a code: the templates show its label in the reader's language
            "cycle": e.cycle_title or "",
            "from_state": e.from_state,
            "to_state": e.to_state,
            "comment": e.comment,
            "url": f"{base}/cycles/{e.cycle_id}" if e.cycle_id else None,
        }
        for e in (by_id.get(i) for i in ids)
        if e is not None
    ]


def _notice_items(ids: list[int]) -> list:
    """The notices a digest lists: their sentence is made in the reader's language as it renders."""
    if not ids:
        return []
    rows = db.session.scalars(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id))
    base = current_app.config["CPAS_BASE_URL"].rstrip("/")
    return [{"notice": n, "url": base + n.url} for n in rows]


@renders("digest")
def render_digest(kind: str, context: dict) -> tuple[str, tuple, dict]:
    """A digest's template context: its tasks and events read by id (two queries), dates on the
    reader's clock."""
    at = dt.datetime.fromisoformat(context["at"])
    # The day in the subject: identical subjects every day make Outlook fold all digests into one
    # conversation, where yesterday's and today's cannot be told apart.
    subject = (
        N_("Your weekly cpas-workflow digest, week of %(day)s")
        if context["period"] == "weekly"
        else N_("Your daily cpas-workflow digest, %(day)s"),
        {"day": LazyString(local_day, dt.date.fromisoformat(context["day"]))},  # as the pages write dates
    )
    return (
        "digest",
        subject,
        {
            "period": context["period"],
            "overdue": _task_items(context["overdue"], at),
            "due_soon": _task_items(context["due_soon"], at),
            "horizon": context["horizon"],
            "changes": _change_items(context["changes"], context["tz"]),
            "more_changes": context["more_changes"],
            "notices": _notice_items(context.get("notices", [])),
            "tasks_url": current_app.config["CPAS_BASE_URL"].rstrip("/") + "/",
        },
    )


def send_digests(now: dt.datetime) -> int:
    """Queue every digest due as of `now`; the number queued."""
    readers = _readers(now)
    if not readers:
        return 0
    index = TaskIndex(_open_tasks(readers, now.date() + dt.timedelta(days=max(HORIZON_DAYS.values()) + 1)))
    changes = _changes(readers)
    notices = _notices(readers)
    rows = []
    for reader in readers:
        events = sorted(
            {e.id: e for a in reader.assignments for e in changes.get(a.mission_id, ())}.values(),
            key=lambda e: (e.at, e.id),
        )
        row = build_digest(reader, index.for_reader(reader), events, now, notices.get(reader.id))
        if row is not None:
            rows.append(row)
    add_deferred(rows)
    users = User.__table__
    db.session.execute(
        update(users)
        .where(users.c.id == bindparam("reader_id"))
        .values(last_digest_at=bindparam("stamp", type_=UTCDateTime())),
        [{"reader_id": r.id, "stamp": now} for r in readers],
    )
    return len(rows)
