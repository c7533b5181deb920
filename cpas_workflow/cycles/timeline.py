"""The audit trail as people read it: component names, recommendation titles and cycle titles instead of
the stored subjects (`cycle:6`, `submission:16:CIV`, `recommendation:9`), people's names instead of the
e-mails an owner change stores, steps in words, system-written comments in the reader's language, and
a run of draft saves by one person folded into one "Input edited" entry. The stored events stay as
they are (the API gives them whole); only their reading changes here, the same for the cycle page,
the mission's timeline and the admin's audit log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from cpas_workflow.core.text import field_name
from cpas_workflow.pages import acting_name, audit_comment, label

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
FOLDED = {"edit_submission"}
PEOPLE_STEPS = {"change_owner"}  # steps whose from/to are people (stored by e-mail), not states
EDITED = re.compile(
    r"^(?P<title>.*) \((?P<fields>[a-z_]+(?:, [a-z_]+)*)\)$"
)  # edit_recommendation's comment  # saves of a draft: one entry per run of saves by the same person
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
    def headline(self) -> str:
        """What happened, and to what: "Recommendation approved: “Patrols”" (with the reader's punctuation)."""
        if not self.subject:
            return self.action
        return _("%(action)s: %(subject)s", action=self.action, subject=self.subject)

    @property
    def what(self) -> str:
        if self.saves > 1:
            return ngettext("%(num)d save", "%(num)d saves", self.saves)
        return ""


@dataclass
class Names:
    """What the events' subjects are called: components by code, recommendations by id, people by
    e-mail, and (where a page lists events of several cycles without naming each) cycles by id."""

    components: dict[str, str]
    recommendations: dict[int, str]
    people: dict[str, str] = field(default_factory=dict)
    cycles: dict[int, str] = field(default_factory=dict)


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def subject_words(subject: str, names: Names) -> str:
    kind, _sep, rest = subject.partition(":")
    if kind == "cycle":  # the cycle itself is named by its page, or by the link beside the entry
        title = names.cycles.get(_number(rest))
        return _("“%(title)s”", title=title) if title else ""
    if kind == "submission":
        code = rest.partition(":")[2]
        return _("%(component)s input", component=names.components.get(code, code))
    if kind == "recommendation":
        title = names.recommendations.get(_number(rest))
        return _("“%(title)s”", title=title) if title else _("a recommendation")
    if kind == "framework":
        return _("results framework, version %(number)s", number=rest.rpartition(":v")[2])
    return ""


def _comment(event, names: Names) -> str:
    comment = event.comment or ""
    started = STARTED.match(comment) if event.action == "start_cycle" else None
    if started:
        codes = [c.strip() for c in started["codes"].split(",")]
        return _("Taking part: %(components)s", components=", ".join(names.components.get(c, c) for c in codes))
    title = names.recommendations.get(_recommendation_id(event.subject))
    if title and (comment == title or comment.startswith(f"{title}: ")):
        return comment[len(title) + 2 :]  # the stored comment starts with the title, already the subject
    edited = EDITED.match(comment) if event.action == "edit_recommendation" else None
    if edited:  # "Patrols (title, due)": the fields changed, in the reader's words
        changed = ", ".join(str(field_name(f)) for f in edited["fields"].split(", "))
        return _("%(title)s (%(fields)s)", title=edited["title"], fields=changed)
    return audit_comment(event)  # what the system wrote, in the reader's language (as everywhere)


def _change(event, names: Names) -> str:
    if not (event.from_state and event.to_state and event.from_state != event.to_state):
        return ""
    if event.action in PEOPLE_STEPS:
        return f"{names.people.get(event.from_state, event.from_state)} → {names.people.get(event.to_state, event.to_state)}"
    return f"{label('state', event.from_state)} → {label('state', event.to_state)}"


def entries(events, names: Names | Mapping[int | None, Names], *, fold_saves: bool = True) -> list[Entry]:
    """`events` (in the order shown) as entries; consecutive saves of one draft by one person as one
    (unless `fold_saves` is off: the admin's log shows each). `names`: one mission's, or by mission id."""
    found: list[Entry] = []
    last_fold = None
    for event in events:
        named = names if isinstance(names, Names) else names.get(event.mission_id) or Names({}, {})
        fold = (event.action, event.actor_id, event.subject) if event.action in FOLDED and fold_saves else None
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
                action=str(PAST[event.action]) if event.action in PAST else label("trigger", event.action),
                subject=subject_words(event.subject, named),
                change=_change(event, named),
                comment=_comment(event, named),
                cycle_id=event.cycle_id,
            )
        )
    return found


def cycle_names(cycle, events=()) -> Names:
    """The names a cycle's own trail needs: loaded with the cycle, and what its `events` name beside
    (a withdrawn recommendation's title, an owner's name: `completed`)."""
    names = Names(
        components={c.code: c.name for c in cycle.mission.components},
        recommendations={r.id: r.title for r in cycle.recommendations},
    )
    return completed(names, events)


def completed(names: Names, events, *, always: bool = False) -> Names:
    """`names` with what `events` name and it lacks: the titles of recommendations not in the cycle's
    list (proposed, withdrawn, merged) and the people an owner change names, a statement each, only
    when some are missing (`always`: the titles' whenever there are events, so that a page that lists
    any kind of event takes the same statements whatever its events are about)."""
    from sqlalchemy import select

    from cpas_workflow.accounts.models import User
    from cpas_workflow.extensions import db
    from cpas_workflow.recommendations.models import Recommendation

    wanted = {_recommendation_id(e.subject) for e in events} - {None} - names.recommendations.keys()
    if wanted or (always and events):
        rows = db.session.execute(select(Recommendation.id, Recommendation.title).where(Recommendation.id.in_(wanted)))
        names.recommendations.update({rid: title for rid, title in rows})
    emails = {v for e in events if e.action in PEOPLE_STEPS for v in (e.from_state, e.to_state) if v}
    emails -= names.people.keys()
    if emails:
        names.people.update(
            {
                email: name
                for email, name in db.session.execute(select(User.email, User.name).where(User.email.in_(emails)))
            }
        )
    return names


def with_names(query):
    """`query` (a select of `AuditEvent` and its own columns) with six columns more, read by the same
    statement: the id and title of the recommendation an event's subject names, and the e-mail and
    name of the people a step between people goes from and to. `named` reads them back: a page that
    shows events this way takes the same statements whatever its events are about."""
    from sqlalchemy import Integer, and_, case, cast, func
    from sqlalchemy.orm import aliased

    from cpas_workflow.accounts.models import User
    from cpas_workflow.core.audit import AuditEvent
    from cpas_workflow.recommendations.models import Recommendation

    prefix = "recommendation:"
    subject_id = case(
        (AuditEvent.subject.startswith(prefix), cast(func.substr(AuditEvent.subject, len(prefix) + 1), Integer))
    )
    was, now = aliased(User), aliased(User)
    people = AuditEvent.action.in_(PEOPLE_STEPS)
    return (
        query.add_columns(Recommendation.id, Recommendation.title, was.email, was.name, now.email, now.name)
        .outerjoin(Recommendation, Recommendation.id == subject_id)
        .outerjoin(was, and_(people, was.email == AuditEvent.from_state))
        .outerjoin(now, and_(people, now.email == AuditEvent.to_state))
    )


def named(names: Names, rows) -> Names:
    """`names` completed with what the last six columns of `rows` (a query `with_names`) say."""
    for *_rest, rid, title, was_email, was_name, now_email, now_name in rows:
        if rid is not None:
            names.recommendations.setdefault(rid, title)
        for email, name in ((was_email, was_name), (now_email, now_name)):
            if email is not None:
                names.people.setdefault(email, name)
    return names


def _recommendation_id(subject: str) -> int | None:
    kind, _sep, rest = (subject or "").partition(":")
    return _number(rest) if kind == "recommendation" else None


def names_by_mission(missions, events) -> dict[int | None, Names]:
    """For a log across missions (the admin's): each mission's names, with the titles of the cycles
    its events are about (one statement) and what `completed` adds, shared by all."""
    from sqlalchemy import select

    from cpas_workflow.cycles.models import Cycle
    from cpas_workflow.extensions import db
    from cpas_workflow.tasks.titles import cycle_title

    shared = completed(Names({}, {}), events)
    cycle_ids = {e.cycle_id for e in events if e.cycle_id is not None}
    titles = (
        dict(db.session.execute(select(Cycle.id, Cycle.title).where(Cycle.id.in_(cycle_ids))).all())
        if cycle_ids
        else {}
    )
    cycles = {cid: str(cycle_title(title)) for cid, title in titles.items()}
    return {
        m.id: Names({c.code: c.name for c in m.components}, shared.recommendations, shared.people, cycles)
        for m in missions
    }
