"""The named guards and effects a definition may call; nothing else is reachable from a definition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cpas_workflow.engine.definitions import Definition, TransitionSpec


@dataclass
class FireContext:
    """What guards and effects see of one firing."""

    subject: Any
    definition: Definition
    spec: TransitionSpec
    actor: Any
    comment: str | None
    params: dict[str, Any]
    now: dt.datetime
    failures: list[tuple[str | None, str]] = field(default_factory=list)


Guard = Callable[[FireContext], "str | tuple[str, str] | None"]
Effect = Callable[[FireContext], None]

GUARDS: dict[str, Guard] = {}
EFFECTS: dict[str, Effect] = {}


def guard(name: str) -> Callable[[Guard], Guard]:
    """Register a guard: it returns None when the transition may go ahead, else why not
    (a message, or `(field, message)` when one request field is at fault)."""

    def register(fn: Guard) -> Guard:
        GUARDS[name] = fn
        return fn

    return register


def effect(name: str) -> Callable[[Effect], Effect]:
    """Register an effect: work done inside the transaction after the state changed."""

    def register(fn: Effect) -> Effect:
        EFFECTS[name] = fn
        return fn

    return register
