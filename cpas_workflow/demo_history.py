"""The demo mission's history: past cycles (and, once the results framework exists, its data)."""

from __future__ import annotations


def load(mission) -> bool:
    """Add the demo history to `mission`; True if anything was created. Nothing yet."""
    return False
