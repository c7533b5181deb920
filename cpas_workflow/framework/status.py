"""Where an indicator's latest value stands, in words an SPU can defend: its change since the
previous period (judged in the indicator's direction), how far it has come from baseline to target,
and one status word. The status compares with the baseline and the target only, and says so
("better than baseline", not "improving"): a value that fell since last quarter is shown falling
beside it, whatever the baseline."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _

from cpas_workflow.core.text import N_
from cpas_workflow.framework import values
from cpas_workflow.framework.models import Indicator, IndicatorValue

# Status codes (English msgids; templates show _(code), "reported" as _("value reported")).
NO_DATA, TARGET_MET, BETTER, SAME, WORSE, REPORTED = (
    N_("no data"),
    N_("target met"),
    N_("better than baseline"),
    N_("same as baseline"),
    N_("worse than baseline"),
    "reported",
)
STATUSES = (NO_DATA, TARGET_MET, BETTER, SAME, WORSE, REPORTED)


def number(value: IndicatorValue | None) -> float | None:
    """The plotted number of a value, or None when it has none (no data, or not a finite number)."""
    if value is None or value.no_data_reason is not None or value.value_number is None:
        return None
    return value.value_number if math.isfinite(value.value_number) else None


def _sign(indicator: Indicator) -> int:
    return -1 if indicator.direction == "lower" else 1


def _reference(indicator: Indicator, text: str | None) -> float | None:
    return values.number_of(indicator.kind, indicator.allowed_levels, text)


def status(indicator: Indicator, value: IndicatorValue | None) -> str:
    """The value against the target first, then against the baseline, in the indicator's direction."""
    current = number(value)
    if current is None:
        return NO_DATA
    sign = _sign(indicator)
    target = _reference(indicator, indicator.target_value)
    if target is not None and sign * (current - target) >= 0:
        return TARGET_MET
    base = _reference(indicator, indicator.baseline_value)
    if base is None:
        return REPORTED
    if current == base:
        return SAME
    return BETTER if sign * (current - base) > 0 else WORSE


def progress(indicator: Indicator, value: IndicatorValue | None) -> float | None:
    """How far the value has come from baseline to target, in percent (0–100), or None where that
    means nothing: no baseline or target, a yes/no, a target not beyond the baseline, the target
    already met, or a value behind the baseline."""
    current = number(value)
    base = _reference(indicator, indicator.baseline_value)
    target = _reference(indicator, indicator.target_value)
    if indicator.kind == "yes_no" or None in (current, base, target):
        return None
    sign = _sign(indicator)
    if sign * (target - base) <= 0:
        return None
    share = (current - base) / (target - base) * 100
    return share if 0 <= share < 100 else None


@dataclass(frozen=True)
class Change:
    """The value against the one reported for the previous period."""

    period: str  # the previous period
    previous: IndicatorValue
    amount: float  # current - previous
    judgement: str  # "better", "worse" or "same", in the indicator's direction

    @property
    def arrow(self) -> str:
        return "↑" if self.amount > 0 else "↓" if self.amount < 0 else "→"


def change(indicator: Indicator, value: IndicatorValue | None, history: list[IndicatorValue]) -> Change | None:
    """The change since the latest earlier period with a value of the same component, if any."""
    current = number(value)
    if current is None:
        return None
    earlier = [
        v for v in history if v.period < value.period and v.component_id == value.component_id and number(v) is not None
    ]
    if not earlier:
        return None
    previous = max(earlier, key=lambda v: v.period)
    amount = current - number(previous)
    if not math.isfinite(amount):
        return None
    judged = _sign(indicator) * amount
    return Change(previous.period, previous, amount, "better" if judged > 0 else "worse" if judged < 0 else "same")


def change_words(indicator: Indicator, found: Change | None) -> str:
    """The change as a reader sees it: '↓ 10 since 2026-Q2 (worse)'."""
    if found is None:
        return ""
    if found.judgement == "same":
        return _("→ no change since %(period)s", period=found.period)
    if indicator.kind in ("yes_no", "level"):
        was = values.display(indicator.kind, found.previous.value_number, found.previous.value_text)
        words = (
            _("%(arrow)s from %(value)s in %(period)s (better)")
            if found.judgement == "better"
            else _("%(arrow)s from %(value)s in %(period)s (worse)")
        )
        return words % {"arrow": found.arrow, "value": was, "period": found.period}
    if indicator.kind == "percentage":
        amount = _("%(amount)s points", amount=values.plain(abs(found.amount), 1))
    else:
        amount = values.display(indicator.kind, abs(found.amount), None, indicator.unit)
    words = (
        _("%(arrow)s %(amount)s since %(period)s (better)")
        if found.judgement == "better"
        else _("%(arrow)s %(amount)s since %(period)s (worse)")
    )
    return words % {"arrow": found.arrow, "amount": amount, "period": found.period}


def progress_words(share: float | None) -> str:
    """'62 % of the way to target' in the reader's language, or '' when it means nothing."""
    if share is None:
        return ""
    return _("%(share)s of the way to target", share=values.percent(share, 0))
