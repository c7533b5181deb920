"""Accessible SVG charts drawn on the server: no JavaScript, no CDN. Every chart has role="img",
a <title> and <desc>, labelled axes, and one <circle> per plotted point carrying its period and
value; pages print the same numbers in a table beside it.

No stored value can break a chart: a value that is not finite or too large to plot is left off it
(the table beside the chart still shows it), and a chart that fails to draw for any other reason
is replaced by a placeholder saying so, never an error for the whole page."""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from flask_babel import gettext as _
from markupsafe import Markup

from cpas_workflow.framework.values import SHOWN_IN_FULL, format_number, plain

COLOURS = ("#0b5cad", "#b35900", "#1e6b30", "#7a1fa2")
_ids = itertools.count(1)
log = logging.getLogger(__name__)


def plottable(value: float | None) -> float | None:
    """The value if a chart can place it, else None (left off the chart, still in the table)."""
    if value is None or not math.isfinite(value) or abs(value) >= SHOWN_IN_FULL:
        return None
    return value


@dataclass
class Series:
    label: str
    points: list[float | None]  # one per period; None where there is no data


@dataclass
class TrendChart:
    title: str
    periods: list[str]
    series: list[Series]
    y_label: str = ""
    baseline: float | None = None
    target: float | None = None
    y_min: float | None = None
    y_max: float | None = None
    tick_labels: dict[float, str] = field(default_factory=dict)  # e.g. levels: {1: "Low", 2: "Medium"}
    width: int = 420
    height: int = 220


def _plottable_only(chart: TrendChart) -> None:
    for series in chart.series:
        series.points = [plottable(p) for p in series.points]
    chart.baseline, chart.target = plottable(chart.baseline), plottable(chart.target)


def _range(chart: TrendChart) -> tuple[float, float]:
    numbers = [p for s in chart.series for p in s.points if p is not None]
    numbers += [v for v in (chart.baseline, chart.target) if v is not None]
    low = chart.y_min if chart.y_min is not None else min([0.0, *numbers])
    high = chart.y_max if chart.y_max is not None else max([1.0, *numbers]) * 1.1
    return (low, high) if high > low else (low, low + 1)


def _ticks(chart: TrendChart, low: float, high: float) -> list[tuple[float, str]]:
    if chart.tick_labels:
        return sorted(chart.tick_labels.items())
    step = _nice_step((high - low) / 4)
    first = math.ceil(low / step) * step
    count = int((high - first) // step) + 1
    return [(first + step * i, plain(round(first + step * i, 6))) for i in range(count)]


def _nice_step(raw: float) -> float:
    """A tick step of 1, 2 or 5 times a power of ten, so axes read 0, 20, 40 rather than 0, 24.8."""
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def render(chart: TrendChart) -> Markup:
    """The chart as an inline <svg> element, or a placeholder if it cannot be drawn."""
    try:
        _plottable_only(chart)
        return _draw(chart)
    except Exception:  # one chart that cannot be drawn must not take the page down with it
        log.exception("chart %r could not be drawn", chart.title)
        return placeholder(chart.title)


def placeholder(title: str) -> Markup:
    words = _("This chart cannot be drawn; the values are listed in the table.")
    return Markup(f'<p class="chart-placeholder" role="note">{escape(title)}: {escape(words)}</p>')


def _draw(chart: TrendChart) -> Markup:
    uid = next(_ids)
    low, high = _range(chart)
    ticks = _ticks(chart, low, high)
    # room for the rotated axis label and the longest tick label (about 7.5 px a character at 11 px)
    left = max(56, 38 + round(7.5 * max((len(label) for _, label in ticks), default=1)))
    right, top, bottom = 16, 16, 46
    plot_w, plot_h = chart.width - left - right, chart.height - top - bottom
    n = max(len(chart.periods), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - (v - low) / (high - low) * plot_h

    desc = describe(chart)
    # the words drawn in the chart, in the reader's language (kept out of the f-strings for pybabel)
    x_word, y_word, empty_word = _("Period"), chart.y_label or _("Value"), _("No data yet")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{chart.width}" height="{chart.height}" '
        f'viewBox="0 0 {chart.width} {chart.height}" aria-labelledby="chart-{uid}-title chart-{uid}-desc">',
        f'<title id="chart-{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="chart-{uid}-desc">{escape(desc)}</desc>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#d5dae0"/>',
    ]
    for value, label in ticks:
        ty = y(value)
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#eef0f3"/>')
        out.append(
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="#5a6470">{escape(label)}</text>'
        )
    # label as many periods as fit side by side (about 6.5 px a character at 11 px), always the latest:
    # six quarters on a factsheet's small chart would otherwise print over one another
    widest = 6.5 * max((len(p) for p in chart.periods), default=1) + 8
    every = max(1, math.ceil(widest / (plot_w / n)))
    for i, period in enumerate(chart.periods):
        if (n - 1 - i) % every:
            continue
        out.append(
            f'<text class="x-tick" x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" fill="#5a6470">{escape(period)}</text>'
        )
    out.append(
        f'<text class="x-label" x="{left + plot_w / 2:.1f}" y="{chart.height - 6}" text-anchor="middle" font-size="12" fill="#1b1f24">{escape(x_word)}</text>'
    )
    out.append(
        f'<text class="y-label" x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="12" fill="#1b1f24" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_word)}</text>'
    )
    for name, word, value, dash, colour in (
        ("baseline", _("baseline"), chart.baseline, "2 3", "#5a6470"),
        ("target", _("target"), chart.target, "6 4", "#1e6b30"),
    ):
        if value is not None and low <= value <= high:
            out.append(
                f'<line class="{name}" data-value="{format_number(value)}" x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" '
                f'y2="{y(value):.1f}" stroke="{colour}" stroke-dasharray="{dash}"/>'
            )
            out.append(
                f'<text x="{left + plot_w - 2}" y="{y(value) - 3:.1f}" text-anchor="end" font-size="10" fill="{colour}">{escape(word)}</text>'
            )
    for s_index, series in enumerate(chart.series):
        colour = COLOURS[s_index % len(COLOURS)]
        coords = [(x(i), y(v), chart.periods[i], v) for i, v in enumerate(series.points) if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _, _ in coords)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for cx, cy, period, v in coords:
            label = f"{series.label} {period}: {chart.tick_labels.get(v, plain(v))}"
            out.append(
                f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}" data-series={quoteattr(series.label)} '
                f'data-period="{escape(period)}" data-value="{format_number(v)}"><title>{escape(label)}</title></circle>'
            )
    if not any(p is not None for s in chart.series for p in s.points):
        out.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="13" fill="#5a6470">{escape(empty_word)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def describe(chart: TrendChart) -> str:
    """The chart in words, for screen readers."""
    parts = []
    for series in chart.series:
        shown = [
            f"{p} {chart.tick_labels.get(v, plain(v))}"
            for p, v in zip(chart.periods, series.points, strict=False)
            if v is not None
        ]
        parts.append(f"{series.label}: " + (", ".join(shown) if shown else _("no data")))
    if chart.baseline is not None:
        shown = chart.tick_labels.get(chart.baseline, plain(chart.baseline))
        parts.append(_("baseline %(value)s", value=shown))
    if chart.target is not None:
        parts.append(_("target %(value)s", value=chart.tick_labels.get(chart.target, plain(chart.target))))
    return _("%(title)s by period.", title=chart.title) + " " + "; ".join(parts) + "."
