"""The audit trail as people read it: component names, recommendation titles and cycle titles instead of
the stored subjects (`cycle:6`, `submission:16:CIV`), steps in words, and a run of draft saves by one
person folded into one "Input edited" entry. The stored events stay as they are (the API gives them
whole); only their reading changes here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Mission
from cpas_workflow.pages import acting_name, label
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.tasks.titles import cycle_title

# What happened, said after the fact (buttons say it before: "Approve the assessment"); others: their label.
PAST = {
    "open_input": _l("Component input opened"),
    "start_review": _l("Joint review started"),
    "return_to_component": _l("Sent back to the component"),
    "submit_for_signoff": _l("Submitted for leadership sign-off"),
    "approve": _l("Assessment approved"),
    "return_for_rework": _l("Returned for rework"),
    "close": _l("Cycle closed"),
    "reopen_for_correction": _l("Reopened for correction"),
    "cancel": _l("Cycle cancelled"),
    "publish": _l("Plan published"),
    "submit": _l("Submitted"),
    "endorse": _l("Endorsed"),
    "return": _l("Returned for revision"),
    "edit_submission": _l("Edited"),
    "comment_submission": _l("Commented"),
}
FOLDED = {"edit_submission"}  # saves of a draft: one entry per run of saves by the same person
STARTED = re.compile(r"^\S+ v\d+; components: (?P<codes>.*)$")  # start_cycle's stored comment


@dataclass
class Entry:
    at: dt.datetime
    actor: str
    action: str
    subject: str  # what it was done to, in words ("" for the cycle the page is about)
    change: str  # "Component input → Joint review", or ""
    comment: str
    saves: int = 1
    cycle_id: int | None = None

    @property
    def what(self) -> str:
        if self.saves > 1:
            return ngettext("%(num)d save", "%(num)d saves", self.saves)
        return ""


@dataclass
class Names:
    """What the events' subjects are called: components by code, recommendations by id."""

    components: dict[str, str]
    recommendations: dict[int, str]


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def subject_words(subject: str, names: Names) -> str:
    kind, _sep, rest = subject.partition(":")
    if kind == "cycle":  # the cycle itself is named by its page, or by the link beside the entry
        return ""
    if kind == "submission":
        code = rest.partition(":")[2]
        return _("%(component)s input", component=names.components.get(code, code))
    if kind == "recommendation":
        title = names.recommendations.get(_number(rest))
        return f"“{title}”" if title else _("a recommendation")
    if kind == "framework":
        return _("results framework, version %(number)s", number=rest.rpartition(":v")[2])
    return ""


def _comment(event, names: Names) -> str:
    comment = event.comment or ""
    started = STARTED.match(comment) if event.action == "start_cycle" else None
    if started:
        codes = [c.strip() for c in started["codes"].split(",")]
        return _("Taking part: %(components)s", components=", ".join(names.components.get(c, c) for c in codes))
    if event.action == "draft_recommendation" and event.subject.startswith("recommendation:"):
        return ""  # the stored comment is the title, already named as the subject
    return comment


def _change(event) -> str:
    if event.from_state and event.to_state and event.from_state != event.to_state:
        return f"{label('state', event.from_state)} → {label('state', event.to_state)}"
    return ""


def past(action: str) -> str:
    """What was done, said after the fact ("Cycle closed")."""
    return str(PAST[action]) if action in PAST else label("trigger", action)


def entries(events, names: Names) -> list[Entry]:
    """`events` (in the order shown) as entries; consecutive saves of one draft by one person as one."""
    found: list[Entry] = []
    last_fold = None
    for event in events:
        fold = (event.action, event.actor_id, event.subject) if event.action in FOLDED else None
        if fold is not None and fold == last_fold:
            entry = found[-1]
            entry.saves += 1
            entry.at = max(entry.at, event.at)
            continue
        last_fold = fold
        found.append(
            Entry(
                at=event.at,
                actor=acting_name(event.actor, event.on_behalf_of) if event.actor else _("system"),
                action=past(event.action),
                subject=subject_words(event.subject, names),
                change=_change(event),
                comment=_comment(event, names),
                cycle_id=event.cycle_id,
            )
        )
    return found


def cycle_names(cycle) -> Names:
    """The names a cycle's own trail needs: all loaded with the cycle (no statement of their own)."""
    return Names(
        components={c.code: c.name for c in cycle.mission.components},
        recommendations={r.id: r.title for r in cycle.recommendations},
    )


def mission_names(mission, events) -> Names:
    """The names a mission's timeline needs: its components, and the recommendations its events name
    (one statement)."""
    ids = {_number(e.subject.partition(":")[2]) for e in events if e.subject.startswith("recommendation:")}
    ids.discard(None)
    titles = select(Recommendation.id, Recommendation.title).where(Recommendation.id.in_(ids))
    return Names(
        components={c.code: c.name for c in mission.components},
        recommendations={i: t for i, t in db.session.execute(titles)} if ids else {},
    )


def log_subjects(events) -> dict[int, str]:
    """What each event of a log across missions and cycles (the admin's audit log) was done to, in
    words, by event id: a cycle by its title, an input by its component and cycle, a recommendation
    by its title. A subject of another kind (a person, a mission) already reads as it is."""
    cycle_ids = {e.cycle_id for e in events if e.cycle_id}
    cycles = {
        c.id: c
        for c in db.session.scalars(
            select(Cycle)
            .where(Cycle.id.in_(cycle_ids))
            .options(
                selectinload(Cycle.mission).selectinload(Mission.components),
                selectinload(Cycle.recommendations),
            )
        )
    }
    words = {}
    for event in events:
        cycle = cycles.get(event.cycle_id)
        if cycle is None or event.subject.partition(":")[0] not in ("cycle", "submission", "recommendation"):
            words[event.id] = event.subject
            continue
        title = cycle_title(cycle.title)
        said = subject_words(event.subject, cycle_names(cycle))
        words[event.id] = f"{said} — {title}" if said else title
    return words
