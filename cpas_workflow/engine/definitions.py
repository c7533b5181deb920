"""Load workflow definition files, validate them, and describe them as frozen specs."""

from __future__ import annotations

import hashlib
import json
import string
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cpas_workflow.accounts.models import ROLES

SUBJECTS = ("cycle", "submission")
DUE_BASES = {
    "cycle": {"entered", "input_due"},
    "submission": {"entered", "due"},
    "action": {"recommendation_due", "entered"},
}
PLACEHOLDERS = {
    "cycle": {"period", "mission", "cycle"},
    "submission": {"period", "mission", "cycle", "component"},
    "action": {"period", "mission", "cycle", "component", "recommendation"},
}
TOP_KEYS = {
    "name",
    "version",
    "title",
    "subject",
    "initial",
    "states",
    "transitions",
    "reminders",
    "submission_workflow",
}
STATE_KEYS = {"title", "final", "tasks"}
TASK_KEYS = {"key", "role", "title", "per", "due"}
TRANSITION_KEYS = {
    "trigger",
    "source",
    "dest",
    "roles",
    "guards",
    "effects",
    "comment",
    "params",
    "label",
    "approvals",
}
APPROVAL_KEYS = {"count", "on_leave"}
ON_LEAVE = ("reset", "keep")
REMINDER_KEYS = {"days_before", "on_due", "overdue_every_days", "escalate_after_days"}


class DefinitionError(Exception):
    """A definition that cannot be loaded; the message names the file and the key."""


@dataclass(frozen=True)
class TaskSpec:
    key: str
    role: str
    title: str
    per: str  # "subject": one task for the cycle or submission; "action": one per follow-up action
    due_from: str
    due_days: int
    due_not_before: str | None = None  # never due before this date (`due: {..., not_before: due}`)


@dataclass(frozen=True)
class StateSpec:
    name: str
    title: str
    is_final: bool
    tasks: tuple[TaskSpec, ...]


@dataclass(frozen=True)
class ApprovalSpec:
    """A joint sign-off: the transition fires on the approval of `count` holders of its roles (None:
    every holder). `on_leave`: what becomes of the approvals given when the subject leaves the state
    another way (a return for rework): "reset" discards them, "keep" counts them when it comes back."""

    count: int | None
    on_leave: str = "reset"

    def describe(self) -> str:
        return "all" if self.count is None else str(self.count)


@dataclass(frozen=True)
class TransitionSpec:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[str, ...]
    effects: tuple[str, ...]
    is_comment_required: bool
    params: tuple[str, ...]
    label: str
    approvals: ApprovalSpec | None = None  # None: the first allowed person's trigger fires it


@dataclass(frozen=True)
class Definition:
    name: str
    version: int
    title: str
    subject: str
    initial: str
    states: dict[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    reminders: dict[str, Any]
    submission_workflow: str | None
    checksum: str
    body: dict = field(repr=False, compare=False)
    source: str = ""

    def transition(self, trigger: str, state: str) -> TransitionSpec | None:
        return next((t for t in self.transitions if t.trigger == trigger and state in t.sources), None)

    def triggers(self) -> set[str]:
        return {t.trigger for t in self.transitions}

    def transitions_from(self, state: str) -> list[TransitionSpec]:
        return [t for t in self.transitions if state in t.sources]

    def joint_transitions_from(self, state: str) -> list[TransitionSpec]:
        """The transitions from `state` that collect several approvals before they fire."""
        return [t for t in self.transitions if state in t.sources and t.approvals is not None]

    def main_path(self) -> list[str]:
        """The states in the order a cycle normally goes through them (for drawing the steps):
        from the initial state, each state's first way forward. Left out: exits (a way into a final
        state that is open from the very start too, such as cancel), and detours (a state whose every
        way on leads back to states already passed, such as a correction)."""
        order, seen = [], set()
        state = self.initial
        while state not in seen:
            seen.add(state)
            order.append(state)
            forward = [
                t.dest
                for t in self.transitions_from(state)
                if t.dest not in seen and not self._is_exit(t) and not self._is_detour(t.dest, seen)
            ]
            if not forward:
                break
            state = forward[0]
        return order

    def _is_exit(self, spec: TransitionSpec) -> bool:
        return self.states[spec.dest].is_final and self.initial in spec.sources and spec.dest != self.initial

    def _is_detour(self, state: str, seen: set[str]) -> bool:
        onward = [t.dest for t in self.transitions_from(state) if t.dest != state and not self._is_exit(t)]
        return bool(onward) and all(dest in seen for dest in onward)


def checksum_of(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def load_file(path: Path) -> dict:
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(body, dict):
        raise DefinitionError(f"{path}: the file must hold a mapping of keys, not {type(body).__name__}")
    return body


def load_directory(folder: str | Path, guards: Iterable[str], effects: Iterable[str]) -> dict[str, Definition]:
    """Load and validate every `*.yaml` in `folder`; the first problem raises DefinitionError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DefinitionError(f"{folder}: workflow folder not found")
    found: dict[str, Definition] = {}
    for path in sorted(folder.glob("*.y*ml")):
        definition = parse(load_file(path), str(path), set(guards), set(effects))
        if definition.name in found:
            raise DefinitionError(
                f"{path}: name: '{definition.name}' is already defined in {found[definition.name].source}"
            )
        found[definition.name] = definition
    for definition in found.values():
        child = definition.submission_workflow
        if child is not None and (child not in found or found[child].subject != "submission"):
            raise DefinitionError(
                f"{definition.source}: submission_workflow: '{child}' is not a loaded definition with subject 'submission'"
            )
    return found


def parse(body: dict, source: str, guards: set[str], effects: set[str]) -> Definition:
    """Validate one definition body; `source` names it in every error."""

    def fail(key: str, message: str) -> DefinitionError:
        return DefinitionError(f"{source}: {key}: {message}")

    _check_keys(body, TOP_KEYS, "", fail)
    for key in ("name", "version", "title", "subject", "initial", "states", "transitions"):
        if key not in body:
            raise fail(key, "is required")
    name, version, subject = body["name"], body["version"], body["subject"]
    if not isinstance(name, str) or not name.isidentifier():
        raise fail("name", f"must be a lower-case identifier, not {name!r}")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail("version", f"must be a whole number from 1 up, not {version!r}")
    if subject not in SUBJECTS:
        raise fail("subject", f"must be one of {', '.join(SUBJECTS)}, not {subject!r}")
    if not isinstance(body["title"], str) or not body["title"].strip():
        raise fail("title", "must be a non-empty text")
    states = _parse_states(body["states"], subject, fail)
    if body["initial"] not in states:
        raise fail("initial", f"unknown state '{body['initial']}'")
    transitions = _parse_transitions(body["transitions"], states, guards, effects, fail)
    _check_reachable(body["initial"], states, transitions, fail)
    reminders = _parse_reminders(body.get("reminders", {}), fail)
    child = body.get("submission_workflow")
    if child is not None and subject != "cycle":
        raise fail("submission_workflow", "only a cycle workflow can name a submission workflow")
    return Definition(
        name=name,
        version=version,
        title=body["title"],
        subject=subject,
        initial=body["initial"],
        states=states,
        transitions=tuple(transitions),
        reminders=reminders,
        submission_workflow=child,
        checksum=checksum_of(body),
        body=body,
        source=source,
    )


def _check_keys(mapping: Any, allowed: set[str], where: str, fail) -> None:
    if not isinstance(mapping, dict):
        raise fail(where or "(top level)", f"must be a mapping, not {type(mapping).__name__}")
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise fail(f"{prefix}{unknown[0]}", f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _parse_states(raw: Any, subject: str, fail) -> dict[str, StateSpec]:
    if not isinstance(raw, dict) or not raw:
        raise fail("states", "must be a non-empty mapping of state names")
    states = {}
    for name, spec in raw.items():
        where = f"states.{name}"
        if not isinstance(name, str) or not name.isidentifier():
            raise fail(where, "a state name must be an identifier")
        spec = spec or {}
        _check_keys(spec, STATE_KEYS, where, fail)
        tasks = tuple(
            _parse_task(t, f"{where}.tasks[{i}]", subject, fail) for i, t in enumerate(spec.get("tasks") or [])
        )
        states[name] = StateSpec(
            name, spec.get("title", name.replace("_", " ").capitalize()), bool(spec.get("final")), tasks
        )
    return states


def _parse_task(raw: Any, where: str, subject: str, fail) -> TaskSpec:
    _check_keys(raw, TASK_KEYS, where, fail)
    for key in ("key", "role", "title", "due"):
        if key not in raw:
            raise fail(f"{where}.{key}", "is required")
    if raw["role"] not in ROLES:
        raise fail(f"{where}.role", f"unknown role '{raw['role']}' (known: {', '.join(ROLES)})")
    per = raw.get("per", "subject")
    if per not in ("subject", "action") or (per == "action" and subject != "cycle"):
        raise fail(f"{where}.per", f"must be 'subject'{' or action' if subject == 'cycle' else ''}, not {per!r}")
    scope = "action" if per == "action" else subject
    due = raw["due"]
    _check_keys(due, {"from", "days", "not_before"}, f"{where}.due", fail)
    for key in ("from", "not_before") if "not_before" in due else ("from",):
        if due.get(key) not in DUE_BASES[scope]:
            raise fail(
                f"{where}.due.{key}", f"must be one of {', '.join(sorted(DUE_BASES[scope]))}, not {due.get(key)!r}"
            )
    days = due.get("days", 0)
    if not isinstance(days, int) or isinstance(days, bool):
        raise fail(f"{where}.due.days", f"must be a whole number, not {days!r}")
    try:
        used = {f for _, f, _, _ in string.Formatter().parse(raw["title"]) if f}
    except ValueError as exc:
        raise fail(f"{where}.title", f"malformed template: {exc}") from exc
    unknown = used - PLACEHOLDERS[scope]
    if unknown:
        raise fail(
            f"{where}.title",
            f"unknown placeholder {{{sorted(unknown)[0]}}} (known: {', '.join(sorted(PLACEHOLDERS[scope]))})",
        )
    return TaskSpec(raw["key"], raw["role"], raw["title"], per, due["from"], days, due.get("not_before"))


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _parse_transitions(
    raw: Any, states: dict[str, StateSpec], guards: set[str], effects: set[str], fail
) -> list[TransitionSpec]:
    if not isinstance(raw, list) or not raw:
        raise fail("transitions", "must be a non-empty list")
    open_states = tuple(s for s, spec in states.items() if not spec.is_final)
    result: list[TransitionSpec] = []
    seen: dict[tuple[str, str], int] = {}
    for i, spec in enumerate(raw):
        where = f"transitions[{i}]"
        _check_keys(spec, TRANSITION_KEYS, where, fail)
        for key in ("trigger", "source", "dest", "roles"):
            if key not in spec:
                raise fail(f"{where}.{key}", "is required")
        trigger = spec["trigger"]
        if not isinstance(trigger, str) or not trigger.isidentifier():
            raise fail(f"{where}.trigger", f"must be an identifier, not {trigger!r}")
        sources = open_states if spec["source"] == "*" else _as_tuple(spec["source"])
        for source in sources:
            if source not in states:
                raise fail(f"{where}.source", f"unknown state '{source}'")
            if states[source].is_final:
                raise fail(f"{where}.source", f"'{source}' is a final state: nothing leaves it")
            if (trigger, source) in seen:
                raise fail(
                    f"{where}.trigger",
                    f"duplicate trigger '{trigger}' from state '{source}' (also transitions[{seen[trigger, source]}])",
                )
            seen[trigger, source] = i
        if spec["dest"] not in states:
            raise fail(f"{where}.dest", f"unknown state '{spec['dest']}'")
        roles = _as_tuple(spec["roles"])
        if not roles or any(r not in ROLES for r in roles):
            raise fail(f"{where}.roles", f"must list roles among {', '.join(ROLES)}, not {spec['roles']!r}")
        for kind, known in (("guards", guards), ("effects", effects)):
            for name in _as_tuple(spec.get(kind)):
                if name not in known:
                    raise fail(
                        f"{where}.{kind}", f"unknown {kind[:-1]} '{name}' (registered: {', '.join(sorted(known))})"
                    )
        comment = spec.get("comment", "optional")
        if comment not in ("required", "optional"):
            raise fail(f"{where}.comment", f"must be 'required' or 'optional', not {comment!r}")
        result.append(
            TransitionSpec(
                trigger=trigger,
                sources=tuple(sources),
                dest=spec["dest"],
                roles=roles,
                guards=_as_tuple(spec.get("guards")),
                effects=_as_tuple(spec.get("effects")),
                is_comment_required=comment == "required",
                params=_as_tuple(spec.get("params")),
                label=spec.get("label", trigger.replace("_", " ").capitalize()),
                approvals=_parse_approvals(spec, f"{where}.approvals", fail),
            )
        )
    return result


def _parse_approvals(spec: dict, where: str, fail) -> ApprovalSpec | None:
    """`approvals: {count: 2}` (or `count: all`, or the bare `2` / `all`); a count of 1 is the
    ordinary single approval."""
    if "approvals" not in spec:
        return None
    raw = spec["approvals"]
    if not isinstance(raw, dict):
        raw = {"count": raw}
    _check_keys(raw, APPROVAL_KEYS, where, fail)
    if "count" not in raw:
        raise fail(f"{where}.count", "is required: a whole number from 1 up, or 'all'")
    count = raw["count"]
    if count != "all" and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        raise fail(f"{where}.count", f"must be a whole number from 1 up, or 'all', not {count!r}")
    on_leave = raw.get("on_leave", "reset")
    if on_leave not in ON_LEAVE:
        raise fail(f"{where}.on_leave", f"must be one of {', '.join(ON_LEAVE)}, not {on_leave!r}")
    if spec.get("params"):
        raise fail(where, "a transition that takes params cannot collect several approvals")
    if count == 1:
        return None
    return ApprovalSpec(None if count == "all" else count, on_leave)


def _check_reachable(initial: str, states: dict[str, StateSpec], transitions: list[TransitionSpec], fail) -> None:
    reached, queue = {initial}, deque([initial])
    while queue:
        state = queue.popleft()
        for t in transitions:
            if state in t.sources and t.dest not in reached:
                reached.add(t.dest)
                queue.append(t.dest)
    for name, spec in states.items():
        if name not in reached:
            raise fail(f"states.{name}", f"unreachable from the initial state '{initial}'")
        if not spec.is_final and not any(name in t.sources for t in transitions):
            raise fail(f"states.{name}", "no transition leaves this state and it is not marked final")


def _parse_reminders(raw: Any, fail) -> dict[str, Any]:
    _check_keys(raw, REMINDER_KEYS, "reminders", fail)
    days = raw.get("days_before", [])
    if not isinstance(days, list) or any(not isinstance(d, int) or d < 1 for d in days):
        raise fail("reminders.days_before", f"must be a list of whole numbers from 1 up, not {days!r}")
    for key in ("overdue_every_days", "escalate_after_days"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            raise fail(f"reminders.{key}", f"must be a whole number from 1 up, not {value!r}")
    return dict(raw)
