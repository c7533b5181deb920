"""Definitions by name (from files) and by stored row (what a running cycle started with)."""

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


def definitions() -> dict[str, Definition]:
    """The definitions loaded at start-up, by name."""
    return current_app.extensions["cpas_definitions"]


def definition_for(name: str) -> Definition:
    try:
        return definitions()[name]
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
    return [register(d) for d in definitions().values()]


_parsed: dict[str, Definition] = {}


def definition_of_row(row: WorkflowDefinition) -> Definition:
    """The stored definition, parsed once per content: its checksum names the content."""
    definition = _parsed.get(row.checksum)
    if definition is None:
        definition = parse(row.body, f"stored definition #{row.id}", set(GUARDS), set(EFFECTS))
        _parsed[row.checksum] = definition
    return definition


def definition_of(subject) -> Definition:
    """The definition a cycle or submission runs on: the version its cycle started with."""
    if subject.__tablename__ == "cycles":
        return definition_of_row(subject.definition)
    cycle_definition = definition_of_row(subject.cycle.definition)
    return definition_for_version(cycle_definition.submission_workflow, subject.cycle)


def definition_for_version(name: str, cycle) -> Definition:
    """A submission runs on the sub-workflow version registered when its cycle started."""
    row = (
        db.session.get(WorkflowDefinition, cycle.submission_definition_id)
        if getattr(cycle, "submission_definition_id", None)
        else None
    )
    if row is not None:
        return definition_of_row(row)
    return definition_for(name)


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
