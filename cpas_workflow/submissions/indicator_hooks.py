"""Indicator values of a submission. The results framework feature fills these in; until a mission
has a published framework, a submission has no indicators and any value sent is refused."""

from __future__ import annotations

from cpas_workflow.core.errors import ValidationFailed


def save_values(submission, values, actor) -> None:
    if not isinstance(values, list):
        raise ValidationFailed("indicator_values must be a list", fields={"indicator_values": "not a list"})
    if values:
        raise ValidationFailed(
            "this submission has no indicators to report on (the mission has no published results framework)",
            fields={"indicator_values": "no indicators"},
        )


def serialize_values(submission) -> list[dict]:
    return []
