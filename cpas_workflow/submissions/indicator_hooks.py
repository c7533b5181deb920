"""Indicator values of a submission: the results framework feature owns them (framework/entries.py);
submissions and the API reach them through these two names."""

from __future__ import annotations

from cpas_workflow.framework.entries import save_values, serialize_values

__all__ = ["save_values", "serialize_values"]
