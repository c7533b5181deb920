"""The workflow engine: definitions as data, one `transitions` machine per definition, `fire`."""

from cpas_workflow.engine.definitions import Definition, DefinitionError, TransitionSpec
from cpas_workflow.engine.firing import fire

__all__ = ["Definition", "DefinitionError", "TransitionSpec", "fire"]
