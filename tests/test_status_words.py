"""The words beside each value, as tables: its status against baseline and target (in the
indicator's direction), its change since the previous period, how far it has come to its target."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from cpas_workflow import models as _every_model  # noqa: F401  (mappers need every class)
from cpas_workflow.framework import status
from cpas_workflow.framework.models import Indicator, IndicatorValue

INF = float("inf")


def indicator(direction="higher", baseline="10", target="30", kind="number", levels="", unit="") -> Indicator:
    return Indicator(
        code="X-1",
        title="x",
        kind=kind,
        levels=levels,
        unit=unit,
        direction=direction,
        baseline_value=baseline,
        target_value=target,
    )


def value(number, period="2026-Q3", component_id=1, text=None, no_data=None) -> IndicatorValue:
    return IndicatorValue(
        period=period, component_id=component_id, value_number=number, value_text=text, no_data_reason=no_data
    )


STATUS = [  # direction, baseline, target, value, status
    ("higher", "10", "30", 14, "better than baseline"),
    ("higher", "10", "30", 10, "same as baseline"),
    ("higher", "10", "30", 8, "worse than baseline"),
    ("higher", "10", "30", 30, "target met"),
    ("higher", "10", "30", 45, "target met"),
    ("lower", "120", "60", 72, "better than baseline"),
    ("lower", "120", "60", 130, "worse than baseline"),
    ("lower", "120", "60", 60, "target met"),
    ("lower", "120", "60", 12, "target met"),
    ("higher", None, "30", 14, "reported"),
    ("higher", None, None, 14, "reported"),
    ("higher", "10", None, 14, "better than baseline"),
    ("higher", "10", "30", None, "no data"),
    ("higher", "10", "30", INF, "no data"),  # a stored value no chart or word can place
    ("higher", "garbage", "30", 14, "reported"),  # an unreadable stored baseline is no baseline
]


@pytest.mark.parametrize(("direction", "baseline", "target", "number", "expected"), STATUS)
def test_the_status_compares_with_target_then_baseline_in_the_indicators_direction(
    direction, baseline, target, number, expected
):
    assert status.status(indicator(direction, baseline, target), value(number)) == expected


def test_no_data_with_a_reason_is_no_data():
    assert status.status(indicator(), value(None, no_data="census not held")) == "no data"


def test_levels_and_yes_no_compare_by_rank():
    levels = indicator(baseline="Low", target="High", kind="level", levels="Low|Medium|High")
    assert status.status(levels, value(2.0, text="Medium")) == "better than baseline"
    assert status.status(levels, value(3.0, text="High")) == "target met"
    yes_no = indicator(baseline="no", target="yes", kind="yes_no")
    assert status.status(yes_no, value(0.0, text="no")) == "same as baseline"


PROGRESS = [  # direction, baseline, target, value, share of the way (None: not shown)
    ("higher", "10", "30", 22.4, 62.0),
    ("higher", "10", "30", 10, 0.0),
    ("lower", "120", "60", 82.8, 62.0),
    ("higher", "10", "30", 8, None),  # behind the baseline: no share to speak of
    ("higher", "10", "30", 30, None),  # target met says it
    ("higher", "30", "10", 20, None),  # a target not beyond the baseline in its direction
    ("higher", None, "30", 20, None),
    ("higher", "10", None, 20, None),
]


@pytest.mark.parametrize(("direction", "baseline", "target", "number", "share"), PROGRESS)
def test_the_way_to_target_is_measured_from_the_baseline(direction, baseline, target, number, share):
    found = status.progress(indicator(direction, baseline, target), value(number))
    assert (round(found, 6) if found is not None else None) == share


CHANGE = [  # direction, previous, current, arrow, amount, judgement
    ("higher", 24, 14, "↓", -10, "worse"),
    ("higher", 14, 24, "↑", 10, "better"),
    ("lower", 97, 81, "↓", -16, "better"),
    ("lower", 81, 97, "↑", 16, "worse"),
    ("higher", 14, 14, "→", 0, "same"),
]


@pytest.mark.parametrize(("direction", "before", "now", "arrow", "amount", "judgement"), CHANGE)
def test_the_change_since_the_previous_period_is_judged_in_the_indicators_direction(
    direction, before, now, arrow, amount, judgement
):
    current = value(now)
    history = [
        value(before, "2026-Q1"),
        value(before * 3, "2026-Q2", component_id=2),
        value(before, "2026-Q2"),
        current,
    ]
    found = status.change(indicator(direction), current, history)
    assert (found.period, found.arrow, found.amount, found.judgement) == ("2026-Q2", arrow, amount, judgement)


def test_a_value_with_no_earlier_one_of_its_component_has_no_change():
    current = value(14)
    assert status.change(indicator(), current, [value(24, "2026-Q2", component_id=2), current]) is None
    assert status.change(indicator(), current, [value(None, "2026-Q2", no_data="lost"), current]) is None


def test_an_indicator_that_fell_since_last_quarter_is_not_shown_as_improving(app):
    """24 → 14 with a baseline of 10: still better than the baseline, and shown falling, in red words."""
    rising = indicator(baseline="10", target="30")
    current = value(14)
    found = status.change(rising, current, [value(24, "2026-Q2"), current])
    assert status.status(rising, current) == "better than baseline"
    with app.test_request_context(), force_locale("en"):
        assert status.change_words(rising, found) == "↓ 10 since 2026-Q2 (worse)"
        assert status.progress_words(status.progress(rising, current)) == "20% of the way to target"
    with app.test_request_context(), force_locale("fr"):
        assert status.change_words(rising, found) == "↓ 10 depuis 2026-Q2 (en recul)"
        assert status.progress_words(status.progress(rising, current)) == "20\u00a0% du chemin vers la cible"


def test_change_words_speak_in_points_for_a_percentage_and_in_levels_for_a_level(app):
    share = indicator(baseline="35", target="60", kind="percentage")
    current = value(41.5)
    found = status.change(share, current, [value(37, "2026-Q2"), current])
    levels = indicator(baseline="Low", target="High", kind="level", levels="Low|Medium|High")
    now = value(2.0, text="Medium")
    moved = status.change(levels, now, [value(3.0, "2026-Q2", text="High"), now])
    with app.test_request_context(), force_locale("en"):
        assert status.change_words(share, found) == "↑ 4.5 points since 2026-Q2 (better)"
        assert status.change_words(levels, moved) == "↓ from High in 2026-Q2 (worse)"
    with app.test_request_context(), force_locale("fr"):
        assert status.change_words(share, found) == "↑ 4,5 points depuis 2026-Q2 (en progrès)"
