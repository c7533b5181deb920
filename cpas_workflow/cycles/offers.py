"""What a cycle page offers the person looking at it: each step they take from the current state,
enabled or disabled with the reason (from `abilities`), the fields it asks for, and — for the steps
that cannot be taken back lightly — the summary of what will happen, shown before they confirm.

Templates draw these as they come: no template names a state or a trigger."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from cpas_workflow import abilities
from cpas_workflow.abilities import Answer
from cpas_workflow.engine import guards, store
from cpas_workflow.pages import label
from cpas_workflow.recommendations.models import SETTLED_STATUSES


@dataclass(frozen=True)
class Offer:
    trigger: str
    title: str
    answer: Answer
    needs_comment: bool
    comment_label: str
    choices: tuple[tuple[int, str], ...]  # input to choose, for a step that sends one back
    choice_label: str
    confirm: str | None  # what will happen, asked before the step is taken; None: no confirmation
    is_danger: bool  # ends the cycle for good: drawn apart, in the danger zone
    url: str  # where the step's form is sent
    is_forward: bool = False  # the next step along the main path: the page's primary button


def _approve_summary(cycle) -> str:
    actions = sum(1 for r in cycle.recommendations if r.is_action)
    return ngettext(
        "Approving publishes this assessment's values (factsheets, reports, headquarters) and makes "
        "%(num)d approved recommendation a follow-up action with its owner and due date. The cycle moves to "
        "follow-up.",
        "Approving publishes this assessment's values (factsheets, reports, headquarters) and makes "
        "%(num)d approved recommendations follow-up actions with their owners and due dates. The cycle moves to "
        "follow-up.",
        actions,
    )


def _close_summary(cycle) -> str:
    statuses = [r.status for r in cycle.recommendations if r.is_action]
    counts = {s: statuses.count(s) for s in SETTLED_STATUSES}
    return _(
        "Closing ends the follow-up of this cycle: %(done)d action(s) done, %(dropped)d dropped, %(carried)d carried "
        "over into the next cycle. Leadership can still reopen the assessment for correction.",
        done=counts["done"],
        dropped=counts["dropped"],
        carried=counts["carried_over"],
    )


def _exit_summary(cycle) -> str:
    open_inputs = sum(1 for s in cycle.submissions if s.state not in guards.CAME_IN)
    return ngettext(
        "Cancelling stops this cycle for good: its open tasks are closed (%(num)d component input not yet in "
        "among them) and nothing more can be entered, reviewed or decided in it. This cannot be undone.",
        "Cancelling stops this cycle for good: its open tasks are closed (%(num)d component inputs not yet in "
        "among them) and nothing more can be entered, reviewed or decided in it. This cannot be undone.",
        open_inputs,
    )


def _publish_summary(cycle) -> str:
    return _("Publishing makes this plan the mission's results framework: new assessments report against it.")


# Steps asked for again before they are taken, and what each says will happen. Every exit (a step
# into a final state off the main path, such as cancelling) is confirmed too, and drawn apart.
CONFIRMED = {"approve": _approve_summary, "close": _close_summary, "publish": _publish_summary}


def _comment_label(trigger: str, answer: Answer) -> str:
    if answer.needs_comment and answer.reason:
        return answer.reason  # e.g. why a reason is needed to go ahead after the deadline
    return {
        "reopen_for_correction": _("Why the approved assessment must be corrected (required)"),
        "return_to_component": _("What needs to change (required)"),
        "return_for_rework": _("What needs more work (required)"),
        "cancel": _("Why this cycle is cancelled (required)"),
    }.get(trigger, _("Comment (required)"))


def offers(cycle, user) -> list[Offer]:
    """The steps `user` takes from the cycle's current state, each with its answer."""
    definition = store.definition_of(cycle)
    path = definition.main_path()
    here = path.index(cycle.state) if cycle.state in path else -1  # off the path (a correction): any way back on
    found = []
    for spec, answer in abilities.trigger_answers(cycle, user):
        is_exit = definition.states[spec.dest].is_final and spec.dest not in path
        summary = CONFIRMED.get(spec.trigger) or (_exit_summary if is_exit else None)
        choices = ()
        if "submission" in spec.params:
            choices = tuple((s.id, f"{s.component.name} — {label('state', s.state)}") for s in guards.returnable(cycle))
        found.append(
            Offer(
                trigger=spec.trigger,
                title=label("trigger", spec.trigger),
                answer=answer,
                needs_comment=spec.is_comment_required or answer.needs_comment,
                comment_label=_comment_label(spec.trigger, answer),
                choices=choices,
                choice_label=_("Component whose input is to be corrected")
                if spec.trigger == "reopen_for_correction"
                else _("Component input to send back"),
                confirm=summary(cycle) if summary else None,
                is_danger=is_exit,
                url=url_for("web.cycle_transition", cycle_id=cycle.id),
                is_forward=spec.dest in path and path.index(spec.dest) > here,
            )
        )
    endorse_all = _endorse_all(cycle, user)
    if endorse_all is not None:
        found.insert(0, endorse_all)
    return found


ENDORSE_ALL = "endorse_all"


def _endorse_all(cycle, user) -> Offer | None:
    answer = abilities.can_endorse_all(user, cycle)
    if not answer.is_shown:
        return None
    names = ", ".join(s.component.name for s in abilities.endorsable(user, cycle)) if answer else ""
    return Offer(
        trigger=ENDORSE_ALL,
        title=_("Endorse all submitted input"),
        answer=answer,
        needs_comment=False,
        comment_label="",
        choices=(),
        choice_label="",
        confirm=_(
            "Endorsing records, in the component heads' place, that the input of %(components)s is agreed as it "
            "stands now; their endorsement tasks close. It can still be sent back during the review.",
            components=names,
        )
        if answer
        else None,
        is_danger=False,
        url=url_for("web.endorse_all", cycle_id=cycle.id),
    )


def needs_confirmation(cycle, trigger: str) -> bool:
    definition = store.definition_of(cycle)
    spec = definition.transition(trigger, cycle.state)
    if spec is None:
        return False
    return trigger in CONFIRMED or (definition.states[spec.dest].is_final and spec.dest not in definition.main_path())
