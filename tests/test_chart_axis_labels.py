"""The period labels under a trend chart never print over one another, however small the chart."""

from __future__ import annotations

import re

import pytest

from cpas_workflow.framework import charts

PERIODS = [f"{year}-Q{q}" for year in (2025, 2026, 2027) for q in (1, 2, 3, 4)]


@pytest.mark.parametrize(("width", "count"), [(300, 6), (300, 12), (420, 6), (420, 12), (900, 12)])
def test_period_labels_stand_apart_and_the_latest_is_always_labelled(app, width, count):
    periods = PERIODS[:count]
    chart = charts.TrendChart(title="CIV-1", periods=periods, series=[charts.Series("CIV", [1.0] * count)])
    chart.width = width
    with app.test_request_context():
        svg = str(charts.render(chart))
    ticks = [(float(x), label) for x, label in re.findall(r'class="x-tick" x="([\d.]+)"[^>]*>([^<]+)<', svg)]
    assert ticks and ticks[-1][1] == periods[-1]
    gaps = [b[0] - a[0] for a, b in zip(ticks, ticks[1:], strict=False)]
    assert all(gap >= 6.5 * len("2026-Q1") + 8 for gap in gaps), gaps
    # every period is still plotted, labelled or not
    assert re.findall(r'data-period="([^"]+)"', svg) == periods
