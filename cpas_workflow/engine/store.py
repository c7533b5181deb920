"""Workflow definitions: two questions, one function each.

- `current_definition(name)`: the file as it is now, for a NEW cycle (`start_cycle` registers it).
- `definition_of(cycle | submission | task)`: the stored version a running cycle started with, for
  everything that cycle and its submissions do afterwards — firing, effects, tasks, reminders, labels.

A changed file therefore reaches new cycles only; running ones keep their stored content."""

from __future__ import annotations

import threading

from flask import current_app
from sqlalchemy import select
from transitions import Machine

from cpas_workflow.engine import effects as _effects  # noqa: F401  (registers the effects)
from cpas_workflow.engine import guards as _guards  # noqa: F401  (registers the guards)
from cpas_workflow.engine.definitions import Definition, DefinitionError, load_directory, parse
from cpas_workflow.engine.models import WorkflowDefinition
from cpas_workflow.engine.registry import EFFECTS, GUARDS, FireContext
from cpas_workflow.extensions import db

_lock = threading.Lock()


def load(folder: str) -> dict[str, Definition]:
    """Load and validate the definition files of `folder`; raises DefinitionError."""
    return load_directory(folder, GUARDS, EFFECTS)


def current_definitions() -> dict[str, Definition]:
    """The definitions in the workflows folder as loaded at start-up, by name: what a new cycle may
    start on (and what the start form and the API offer). Never what a running cycle runs on."""
    return current_app.extensions["cpas_definitions"]


def current_definition(name: str) -> Definition:
    """The definition a new cycle of the workflow `name` starts on: the file as it is now."""
    try:
        return current_definitions()[name]
    except KeyError:
        raise DefinitionError(f"no workflow definition named '{name}'") from None


def register(definition: Definition) -> WorkflowDefinition:
    """The stored row for `definition`, created on first use. Content that changed without a
    raised version is refused: running cycles must keep the content they started with."""
    row = db.session.scalar(
        select(WorkflowDefinition).where(
            WorkflowDefinition.name == definition.name, WorkflowDefinition.version == definition.version
        )
    )
    if row is None:
        row = WorkflowDefinition(
            name=definition.name,
            version=definition.version,
            title=definition.title,
            checksum=definition.checksum,
            body=definition.body,
        )
        db.session.add(row)
        db.session.flush()
    elif row.checksum != definition.checksum:
        raise DefinitionError(
            f"{definition.source}: version: the content of '{definition.name}' changed but its version "
            f"{definition.version} was not raised; cycles already run on version {definition.version}"
        )
    return row


def register_all() -> list[WorkflowDefinition]:
    return [register(d) for d in current_definitions().values()]


def definition_of(subject) -> Definition:
    """The definition `subject` runs on — a cycle, a submission, or a task of either: the version
    stored when its cycle started, whatever the files say now. Every effect, task, reminder and
    label of a running cycle asks this, and only this. A subject read as a row for firing
    (`submissions.rows`) carries it already."""
    pinned = getattr(subject, "pinned_definition", None)
    if pinned is not None:
        return pinned
    return _stored(_pinned_row_id(subject))


def registered_versions() -> list[Definition]:
    """Every version ever stored, oldest first: what running cycles may be on (the scheduler looks
    this far ahead for reminders)."""
    rows = db.session.scalars(select(WorkflowDefinition).order_by(WorkflowDefinition.id))
    return [_parsed_row(row) for row in rows]


def _pinned_row_id(subject) -> int:
    from cpas_workflow.cycles.models import Cycle

    table = subject.__tablename__
    if table == "cycles":
        return subject.definition_id
    cycle = db.session.get(Cycle, subject.cycle_id)  # from the session's identity map when loaded
    if table == "tasks" and subject.submission_id is None:
        return cycle.definition_id
    if cycle.submission_definition_id is None:
        raise DefinitionError(f"cycle {cycle.id} has no stored version of its submission workflow")
    return cycle.submission_definition_id


def _stored(row_id: int) -> Definition:
    row = db.session.get(WorkflowDefinition, row_id)
    if row is None:
        raise DefinitionError(f"no stored workflow definition #{row_id}")
    return _parsed_row(row)


_parsed: dict[str, Definition] = {}


def parsed(row_id: int, checksum: str) -> Definition:
    """The stored definition #`row_id` whose checksum was read with its subject: parsed once per
    content, its row read only the first time."""
    definition = _parsed.get(checksum)
    return definition if definition is not None else _stored(row_id)


def _parsed_row(row: WorkflowDefinition) -> Definition:
    """The stored definition, parsed once per content: its checksum names the content."""
    definition = _parsed.get(row.checksum)
    if definition is None:
        definition = parse(row.body, f"stored definition #{row.id}", set(GUARDS), set(EFFECTS))
        _parsed[row.checksum] = definition
    return definition


class _Guard:
    """A named guard as a `transitions` condition; records why it refused on the context."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, event) -> bool:
        ctx: FireContext = event.args[0]
        answer = GUARDS[self.name](ctx)
        if answer is None:
            return True
        ctx.failures.append(answer if isinstance(answer, tuple) else (None, answer))
        return False


_machines: dict[tuple[str, int, str], Machine] = {}


def machine_for(definition: Definition) -> Machine:
    """One machine per definition version, built once and shared; models are never bound to it."""
    key = (definition.name, definition.version, definition.checksum)
    machine = _machines.get(key)
    if machine is None:
        with _lock:
            machine = _machines.get(key)
            if machine is None:
                machine = Machine(
                    model=None,
                    states=list(definition.states),
                    initial=definition.initial,
                    auto_transitions=False,
                    send_event=True,
                )
                for spec in definition.transitions:
                    machine.add_transition(
                        spec.trigger,
                        list(spec.sources),
                        spec.dest,
                        conditions=[_Guard(name) for name in spec.guards],
                    )
                _machines[key] = machine
    return machine
