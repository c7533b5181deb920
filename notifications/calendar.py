"""The personal calendar feed: a user's open task deadlines as all-day iCalendar events."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from icalendar import Calendar, Event

from cpas_workflow.core import clock
from cpas_workflow.tasks.queries import open_tasks_for
from notifications.outbox import task_path


def calendar_for(user) -> bytes:
    base = current_app.config["CPAS_BASE_URL"].rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", "-//cpas-workflow//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"cpas-workflow: {user.name}")
    calendar.add("x-published-ttl", "PT1H")
    stamp = clock.now()
    for task in open_tasks_for(user):
        event = Event()
        event.add("uid", f"task-{task.id}@cpas-workflow")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due)
        event.add("dtend", task.due + dt.timedelta(days=1))
        event.add("summary", f"[{task.mission.code}] {task.title}")
        event.add("url", base + task_path(task))
        event.add("description", base + task_path(task))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
