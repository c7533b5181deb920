"""The personal calendar feed: a user's open task deadlines as all-day iCalendar events."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

from cpas_workflow.core import clock
from cpas_workflow.core.text import one_line
from cpas_workflow.tasks.links import task_path
from cpas_workflow.tasks.queries import open_tasks_for
from notifications.outbox import link


def calendar_url(token: str) -> str:
    """A feed address under CPAS_BASE_URL, like every link in e-mail (behind a proxy the request's
    own host is an inside address that a calendar program elsewhere cannot reach). Only the secret's
    hash is stored, so the address can be shown only when it is made."""
    return link(f"/calendar/{token}.ics")


def calendar_for(user) -> bytes:
    """Every open task of `user` as one all-day event on its due date. An event's UID is the task's
    id at this site's host, the same on every fetch, so a subscribed calendar updates the event in
    place; a closed task is simply absent, which removes it; two installations (training and
    production, say) subscribed in one Outlook never mix their events."""
    base = current_app.config["CPAS_BASE_URL"].rstrip("/")
    host = urlsplit(base).hostname or "cpas-workflow"
    calendar = Calendar()
    calendar.add("prodid", "-//cpas-workflow//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(f"cpas-workflow: {user.name}"))  # a name stored before names were checked
    calendar.add("x-published-ttl", "PT1H")
    stamp = clock.now()
    for task in open_tasks_for(user):
        event = Event()
        event.add("uid", f"task-{task.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due)
        event.add("dtend", task.due + dt.timedelta(days=1))
        event.add("summary", one_line(f"[{task.mission.code}] {task.title}"))
        event.add("url", base + task_path(task))
        event.add("description", base + task_path(task))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
