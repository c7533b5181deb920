"""May this person do this now? One `can_*` per action, answered once, for operations, pages and API.

Each answer combines the person's roles on the object (`core.access.roles_for`, so whatever gives a
person a role — an assignment, a delegation — counts here too) with the state of the object as its
own pinned workflow definition describes it (`engine.store.definition_of`), and, with `check_state`,
the rules that would refuse it now (the definition's guards, run without changing anything).

An `Answer` is true or false; when false it says why in the reader's words, and whether the page
should mention the action at all (`is_shown`: a step this person takes, but not yet) or not (not
their role, or nothing to do at this step). Operations `require` an answer; pages draw buttons from
it, enabled or disabled with the reason; the API lists `allowed_triggers` from it. This module is
the one place outside workflows/ that says in which states component input and recommendations are
worked on and a running cycle is administered (`core.access` keeps only the roles and grants).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from cpas_workflow.core import access, clock
from cpas_workflow.core.errors import Conflict, DomainError, Forbidden, NotFound, RuleRefused, ValidationFailed
from cpas_workflow.engine import guards, store
from cpas_workflow.engine.registry import GUARDS, FireContext

# Cycle states in which a component's input may be drafted (before input opens, it is kept as a draft).
DRAFTING_STATES = ("draft_plan", "draft")
# Cycle states of the recommendations' life: drafted in the review, decided at sign-off, then followed up.
DRAFT_RECOMMENDATION_STATES = ("joint_review",)
DECIDE_RECOMMENDATION_STATES = ("leadership_signoff",)
FOLLOWUP_STATES = ("followup",)
# Cycle states in which a component may propose a recommendation (the SPU declines one then too).
PROPOSAL_STATES = ("component_input", "joint_review")
# Cycle states in which the SPU still changes what is asked of the components: the input deadline,
# who takes part, the guidance they read.
ADMINISTER_STATES = ("draft_plan", "component_input")


@dataclass(frozen=True)
class Answer:
    """Whether an action may be taken; if not, why (`reason`), what `require` raises (`refusal`)."""

    is_allowed: bool
    reason: str = ""
    is_shown: bool = True
    needs_comment: bool = False  # allowed only with a comment saying why (the reason is the prompt)
    refusal: type[DomainError] = RuleRefused
    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.is_allowed


YES = Answer(True)


NOT_VISIBLE = Answer(False, "not found, or not visible to you", is_shown=False, refusal=NotFound)


def _not_yours(reason: str) -> Answer:
    return Answer(False, reason, is_shown=False, refusal=Forbidden)


def _not_at_this_step(reason: str) -> Answer:
    return Answer(False, reason, is_shown=False, refusal=Conflict)


def _not_yet(reason: str, fields: dict[str, str] | None = None) -> Answer:
    return Answer(False, reason, refusal=RuleRefused, fields=fields or {})


def require(answer: Answer) -> None:
    """Raise the refusal an answer carries (Forbidden, Conflict or RuleRefused) unless it is a yes."""
    if not answer.is_allowed:
        raise answer.refusal(answer.reason, fields=answer.fields)


def _label(kind: str, value: str) -> str:
    from cpas_workflow.pages import label

    return label(kind, value)


def _roles_words(roles) -> str:
    return ", ".join(_label("role", r) for r in roles)


# Workflow triggers (cycles and submissions) ------------------------------------------------------


def can_fire(
    user,
    subject,
    trigger: str,
    *,
    check_state: bool = True,
    check_rules: bool = True,
    comment: str | None = None,
    params: dict | None = None,
) -> Answer:
    """Whether `user` may fire `trigger` on `subject` (a cycle or a submission). Without
    `check_state`, only whether their roles ever allow it; without `check_rules`, the guards are
    left to the engine (an operation about to fire checks them there, once)."""
    if not access.can_view(user, subject):
        return NOT_VISIBLE
    definition = store.definition_of(subject)
    specs = [t for t in definition.transitions if t.trigger == trigger]
    name = _label("trigger", trigger)
    if not specs:
        known = ", ".join(sorted(definition.triggers()))
        return Answer(
            False,
            f"unknown trigger '{trigger}': {definition.name} knows {known}",  # only a hand-made request names one
            is_shown=False,
            fields={"trigger": "unknown trigger"},
        )
    if not check_state:
        roles = {r for spec in specs for r in spec.roles}
        return YES if access.holds_any(user, roles, subject) else _not_yours(_only_for(name, roles))
    spec = definition.transition(trigger, subject.state)
    if spec is None:
        return _not_at_this_step(_not_at_step_reason(name, subject, definition))
    if not access.holds_any(user, spec.roles, subject):
        return _not_yours(_only_for(name, spec.roles))
    if spec.approvals is not None and _has_approved(user, subject, trigger):
        return Answer(
            False,
            _(
                "You have approved already, and an approval counts once: this step is taken when the others awaited have approved."
            ),
            refusal=Conflict,
        )
    if not check_rules:
        return YES
    return _rules(user, subject, definition, spec, comment, params)


def _has_approved(user, subject, trigger: str) -> bool:
    """A joint transition (N of the role's holders) this person has approved already: theirs counts once."""
    from cpas_workflow.engine.approvals import still_open_to
    from cpas_workflow.engine.firing import approval_statuses

    return trigger not in still_open_to(approval_statuses(subject), user, [trigger])


def _only_for(name: str, roles) -> str:
    return _("“%(action)s” is for %(roles)s only.", action=name, roles=_roles_words(roles))


def _not_at_step_reason(name: str, subject, definition) -> str:
    possible = [_label("trigger", t.trigger) for t in definition.transitions_from(subject.state)]
    step = _label("state", subject.state)
    if not possible:
        return _(
            "“%(action)s” is not possible any more: the cycle is at “%(step)s” and nothing can change it now.",
            action=name,
            step=step,
        )
    return _(
        "“%(action)s” is not possible at this step (%(step)s). Possible now: %(possible)s.",
        action=name,
        step=step,
        possible=", ".join(possible),
    )


def _rules(user, subject, definition, spec, comment, params) -> Answer:
    """The definition's guards, run as the engine would run them, with nothing changed."""
    ctx = FireContext(subject, definition, spec, user, (comment or "").strip() or None, params or {}, clock.now())
    failures = []
    for name in spec.guards:
        answer = GUARDS[name](ctx)
        if answer is not None:
            failures.append(answer if isinstance(answer, tuple) else (None, answer))
    if "submission" in spec.params and not params:  # the page has not named one yet: is there one at all?
        failures = [(f, m) for f, m in failures if f != "submission"]
        if not guards.returnable(subject):
            failures.append((None, _("No component input can be sent back now: none has come in.")))
    blocking = [(f, m) for f, m in failures if f != "comment"]
    if blocking:
        return _not_yet(" ".join(m for _f, m in blocking), {f: m for f, m in blocking if f})
    asks = [m for f, m in failures if f == "comment"]
    if asks or (spec.is_comment_required and not ctx.comment):
        return Answer(True, " ".join(asks), needs_comment=True)
    return YES


def allowed_triggers(subject, user) -> list[str]:
    """The triggers `user` could fire from the current state, rules aside (the API's `allowed_triggers`)."""
    definition = store.definition_of(subject)
    return [
        t.trigger
        for t in definition.transitions_from(subject.state)
        if can_fire(user, subject, t.trigger, check_rules=False)
    ]


def awaits_input(cycle) -> bool:
    """Whether the cycle still waits for its components' input: before it opens, or until the
    review starts (its deadline then matters: days left, days late)."""
    definition = store.definition_of(cycle)
    return cycle.state == definition.initial or definition.transition("start_review", cycle.state) is not None


def is_called_off(cycle) -> bool:
    """Whether the cycle was stopped for good (cancelled): a final state off its main path."""
    definition = store.definition_of(cycle)
    return definition.states[cycle.state].is_final and cycle.state not in definition.main_path()


def trigger_answers(subject, user) -> list[tuple[object, Answer]]:
    """Every step `user` takes from the current state, with its answer (the rules checked): what a
    page offers, enabled or disabled with the reason."""
    definition = store.definition_of(subject)
    answers = [(spec, can_fire(user, subject, spec.trigger)) for spec in definition.transitions_from(subject.state)]
    return [(spec, answer) for spec, answer in answers if answer.is_shown]


def can_open_input(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "open_input", **kw)


def can_start_review(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "start_review", **kw)


def can_return_to_component(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "return_to_component", **kw)


def can_submit_for_signoff(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "submit_for_signoff", **kw)


def can_approve(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "approve", **kw)


def can_return_for_rework(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "return_for_rework", **kw)


def can_close(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "close", **kw)


def can_reopen_for_correction(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "reopen_for_correction", **kw)


def can_cancel(user, cycle, **kw) -> Answer:
    return can_fire(user, cycle, "cancel", **kw)


def can_submit(user, submission, **kw) -> Answer:
    return can_fire(user, submission, "submit", **kw)


def can_endorse(user, submission, **kw) -> Answer:
    return can_fire(user, submission, "endorse", **kw)


def can_return_submission(user, submission, **kw) -> Answer:
    return can_fire(user, submission, "return", **kw)


def endorsable(user, cycle) -> list:
    """The cycle's input `user` may endorse now."""
    return [s for s in cycle.submissions if can_endorse(user, s)]


def can_endorse_all(user, cycle) -> Answer:
    """The SPU endorses, in one step, every input that came in while the components' heads have
    not: offered to whoever may endorse the input of more than one component, while input is awaited."""
    if not access.can_view(user, cycle):
        return NOT_VISIBLE
    mine = [s for s in cycle.submissions if can_endorse(user, s, check_state=False)]
    if len(mine) < 2:
        return _not_yours(_("Each component head endorses their own component's input."))
    if not awaits_input(cycle):
        return _not_at_this_step(_("Input is endorsed while the cycle waits for it."))
    if not endorsable(user, cycle):
        return _not_yet(_("No input is waiting for endorsement."))
    return YES


# Component input --------------------------------------------------------------------------------


def can_edit_submission(user, submission, *, check_state: bool = True) -> Answer:
    """The focal point edits the input while it can still be submitted (waiting, or returned) and
    the cycle takes input (or has not opened it yet: a draft may be started early)."""
    if not access.can_view(user, submission):
        return NOT_VISIBLE
    if not access.can(user, "edit_submission", submission):
        return _not_yours(_("Only the component's focal point edits its input."))
    if not check_state:
        return YES
    definition = store.definition_of(submission)
    if not any(t.trigger == "submit" for t in definition.transitions_from(submission.state)):
        return _not_at_this_step(
            _(
                "The %(component)s input is “%(state)s”: it can be edited only while it waits to be submitted or was returned.",
                component=submission.component.name,
                state=_label("state", submission.state),
            )
        )
    cycle_state = submission.cycle.state
    if cycle_state not in DRAFTING_STATES + guards.INPUT_STATES:
        return _not_at_this_step(
            _("The cycle is at “%(step)s”: its input can no longer be changed.", step=_label("state", cycle_state))
        )
    return YES


def was_sent_back(submission) -> bool:
    """Whether the input waits for its revision, sent back by the component head or the SPU (the state
    its definition's `return` leads to)."""
    definition = store.definition_of(submission)
    return any(t.trigger == "return" and t.dest == submission.state for t in definition.transitions)


def can_comment_submission(user, submission) -> Answer:
    if not access.can_view(user, submission):
        return NOT_VISIBLE
    if access.can(user, "comment_submission", submission):
        return YES
    return _not_yours(_("Only the people taking part in the review comment on input."))


# Recommendations --------------------------------------------------------------------------------


def _in_step(user, obj, action: str, states: tuple[str, ...], check_state: bool, not_now: str) -> Answer:
    """The role (as `access.authorize` notes it, so the audit names whom a delegate acts for), then
    the cycle's step."""
    if not access.can_view(user, obj):
        return NOT_VISIBLE
    if not access.authorize(user, access.PERMISSIONS[action], obj):
        return _not_yours(_("This is for %(roles)s only.", roles=_roles_words(access.PERMISSIONS[action])))
    cycle = obj if obj.__tablename__ == "cycles" else obj.cycle
    if check_state and cycle.state not in states:
        return _not_at_this_step(not_now % {"step": _label("state", cycle.state)})
    return YES


def _fate(recommendation) -> str:
    """The recommendation's fate as said inside a sentence ("… is approved", "… est approuvée"): the
    label is written for a column or a badge, capitalised."""
    word = str(_label("fate", recommendation.fate))
    return word[:1].lower() + word[1:]


def can_draft_recommendation(user, cycle, *, check_state: bool = True) -> Answer:
    """The SPU drafts recommendations during the joint review."""
    return _in_step(
        user,
        cycle,
        "draft_recommendation",
        DRAFT_RECOMMENDATION_STATES,
        check_state,
        _("Recommendations are drafted during the joint review; the cycle is at “%(step)s”."),
    )


def can_edit_recommendation(user, recommendation, *, check_state: bool = True) -> Answer:
    """The SPU edits or withdraws a recommendation while it is an undecided draft in the joint review."""
    answer = _in_step(
        user,
        recommendation,
        "draft_recommendation",
        DRAFT_RECOMMENDATION_STATES,
        check_state,
        _("Only an undecided draft can be edited or withdrawn, during the joint review; the cycle is at “%(step)s”."),
    )
    if answer and check_state and not recommendation.is_undecided_draft:
        return _not_at_this_step(
            _(
                "Only an undecided draft can be edited or withdrawn: “%(title)s” is %(fate)s.",
                title=recommendation.title,
                fate=_fate(recommendation),
            )
        )
    return answer


can_withdraw_recommendation = can_edit_recommendation


def can_decide_recommendation(user, recommendation_or_cycle, *, check_state: bool = True) -> Answer:
    """Leadership decides each recommendation (of the cycle's list: not a proposal, not a withdrawn
    one) during sign-off."""
    answer = _in_step(
        user,
        recommendation_or_cycle,
        "decide_recommendation",
        DECIDE_RECOMMENDATION_STATES,
        check_state,
        _("Recommendations are decided during leadership sign-off; the cycle is at “%(step)s”."),
    )
    is_listed = recommendation_or_cycle.__tablename__ == "cycles" or recommendation_or_cycle.stage == "current"
    if answer and check_state and not is_listed:
        return _not_at_this_step(
            _(
                "“%(title)s” is %(fate)s: only the recommendations of the cycle's list are decided.",
                title=recommendation_or_cycle.title,
                fate=_fate(recommendation_or_cycle),
            )
        )
    return answer


def proposing_components(user, cycle) -> list:
    """The participating components `user` may propose recommendations for (their own or delegated roles)."""
    mine = {
        g.component_id
        for g in access.grants(user)
        if g.role in access.PERMISSIONS["propose_recommendation"] and g.mission_id == cycle.mission_id
    }
    return [s.component for s in cycle.submissions if s.component_id in mine]


def takes_proposals(cycle) -> bool:
    """Whether the cycle is at a step where components propose (and the SPU answers proposals)."""
    return cycle.state in PROPOSAL_STATES


def can_propose_recommendation(user, cycle, *, check_state: bool = True) -> Answer:
    """A focal point or head of a component taking part proposes during input and the joint review."""
    answer = _in_step(
        user,
        cycle,
        "propose_recommendation",
        PROPOSAL_STATES,
        False,
        "",
    )
    if not answer:
        return answer
    if not proposing_components(user, cycle):
        return Answer(
            False,
            _("You hold no role in a component taking part in this cycle."),
            is_shown=False,
            refusal=ValidationFailed,
            fields={"component": "not yours"},
        )
    if check_state and not takes_proposals(cycle):
        return _not_at_this_step(
            _(
                "Recommendations are proposed during component input and the joint review; the cycle is at “%(step)s”.",
                step=_label("state", cycle.state),
            )
        )
    return YES


def can_settle_proposal(user, proposal_or_cycle, *, to_draft: bool = False, check_state: bool = True) -> Answer:
    """The SPU declines a proposal during input or the joint review; accepts or merges it (`to_draft`)
    during the joint review only, when there are drafts to be."""
    states = DRAFT_RECOMMENDATION_STATES if to_draft else PROPOSAL_STATES
    not_now = (
        _("Accepting or merging a proposal is possible during the joint review; the cycle is at “%(step)s”.")
        if to_draft
        else _("Proposals are answered during component input and the joint review; the cycle is at “%(step)s”.")
    )
    answer = _in_step(user, proposal_or_cycle, "settle_proposal", states, check_state, not_now)
    if answer and check_state and proposal_or_cycle.__tablename__ != "cycles" and proposal_or_cycle.stage != "proposed":
        return _not_at_this_step(
            _(
                "“%(title)s” is %(fate)s: it was answered already.",
                title=proposal_or_cycle.title,
                fate=_fate(proposal_or_cycle),
            )
        )
    return answer


def _followed_up(recommendation) -> Answer:
    if recommendation.is_action:
        return YES
    reason = _(
        "This recommendation was not approved (%(decision)s): only approved or amended ones are followed up.",
        decision=_label("decision", recommendation.decision) if recommendation.decision else _fate(recommendation),
    )
    return Answer(False, reason, is_shown=False, refusal=ValidationFailed)


def can_change_owner(user, recommendation, *, check_state: bool = True) -> Answer:
    """The SPU hands a follow-up action to someone else of its component."""
    answer = _in_step(
        user,
        recommendation,
        "change_owner",
        FOLLOWUP_STATES,
        check_state,
        _("The owner of an action is changed during follow-up; the cycle is at “%(step)s”."),
    )
    return _followed_up(recommendation) if answer and check_state else answer


def _may_update(user, recommendation) -> bool:
    """The SPU, the heads of its component (or of a co-owning one, when those were loaded), and its
    owner whoever they are."""
    if access.authorize(user, access.PERMISSIONS["update_recommendation"], recommendation):
        return True
    if recommendation.owner_id is not None and recommendation.owner_id == getattr(user, "id", None):
        access.note_own_right(user)
        return True
    if "co_components" not in _unloaded(recommendation):
        return any(access.authorize(user, ("component_head",), c) for c in recommendation.co_components)
    return False


def _unloaded(obj) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(obj).unloaded)


def can_update_recommendation(user, recommendation, *, check_state: bool = True) -> Answer:
    """Progress on an action (an update, evidence): its owner, a head of its component, or the SPU,
    during follow-up."""
    if not access.can_view(user, recommendation):
        return NOT_VISIBLE
    if not _may_update(user, recommendation):
        return _not_yours(_("Progress on an action is reported by its owner, a head of its component or the SPU."))
    return is_followed_up(recommendation) if check_state else YES


def is_followed_up(recommendation) -> Answer:
    """Whether the recommendation is an action followed up now (its cycle in follow-up), whoever asks."""
    if recommendation.cycle.state not in FOLLOWUP_STATES:
        return _not_at_this_step(
            _(
                "Actions are followed up once the assessment is approved; the cycle is at “%(step)s”.",
                step=_label("state", recommendation.cycle.state),
            )
        )
    return _followed_up(recommendation)


def recommendation_answers(user, recommendation) -> list[tuple[str, Answer]]:
    """What `user` may do with one recommendation now, each answer with its reason: the actions of
    its life that are theirs at this step (allowed or not yet), for the API to list."""
    asked = {
        "edit": can_edit_recommendation,
        "withdraw": can_withdraw_recommendation,
        "decide": can_decide_recommendation,
        "change_owner": can_change_owner,
        "update": can_update_recommendation,
        "settle": can_settle_proposal,
    }
    answers = [(name, can(user, recommendation)) for name, can in asked.items()]
    return [(name, answer) for name, answer in answers if answer.is_shown]


# Cycle administration -------------------------------------------------------------------------


def can_administer_cycle(user, cycle, *, check_state: bool = True) -> Answer:
    """The SPU moves the input deadline, adds or excuses a component and writes the guidance while
    input may still come in (before the joint review starts)."""
    return _in_step(
        user,
        cycle,
        "administer_cycle",
        ADMINISTER_STATES,
        check_state,
        _(
            "The input deadline, the components taking part and the guidance change only until the joint review "
            "starts; the cycle is at “%(step)s”."
        ),
    )
