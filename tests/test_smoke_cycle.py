"""A cycle can be driven along its main path to closed."""

from tests.cycle_helpers import cycle_in


def test_a_cycle_goes_from_draft_to_closed_along_the_main_path(api):
    cycle = cycle_in(api, "closed")
    assert cycle["state"] == "closed"
    assert cycle["allowed_triggers"] == []
