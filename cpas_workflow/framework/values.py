"""What a value of each indicator kind may be: checking one, storing it, plotting it."""

from __future__ import annotations

import math

YES = ("yes", "true", "1", "y")
NO = ("no", "false", "0", "n")


class BadValue(ValueError):
    """A value that does not fit its indicator's kind or range; the message says what would."""


def _number(raw) -> float:
    if isinstance(raw, bool):
        raise BadValue("must be a number, not true/false")
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw.strip().replace(",", ""))
        except ValueError:
            raise BadValue(f"must be a number, not {raw!r}") from None
    else:
        raise BadValue(f"must be a number, not {type(raw).__name__}")
    if not math.isfinite(number):
        raise BadValue("must be a finite number")
    return number


def parse(kind: str, levels: list[str], raw) -> tuple[float | None, str | None]:
    """(number, text) to store for `raw` as a value of an indicator of `kind`. A level's number is
    its rank (1 = lowest), a yes/no's 1 or 0, so every kind can be plotted."""
    if kind == "number":
        return _number(raw), None
    if kind == "percentage":
        number = _number(raw)
        if not 0 <= number <= 100:
            raise BadValue(f"is a percentage: it must be between 0 and 100, not {number:g}")
        return number, None
    if kind == "count":
        number = _number(raw)
        if number < 0 or not number.is_integer():
            raise BadValue(f"is a count: it must be a whole number of 0 or more, not {number:g}")
        return number, None
    if kind == "yes_no":
        if isinstance(raw, bool):
            answer = raw
        elif isinstance(raw, str) and raw.strip().lower() in YES + NO:
            answer = raw.strip().lower() in YES
        else:
            raise BadValue(f"is a yes/no indicator: it must be true or false (yes or no), not {raw!r}")
        return (1.0, "yes") if answer else (0.0, "no")
    if kind == "level":
        if not isinstance(raw, str) or raw.strip() not in levels:
            raise BadValue(f"must be one of the levels {', '.join(levels)}, not {raw!r}")
        return float(levels.index(raw.strip()) + 1), raw.strip()
    raise BadValue(f"unknown indicator kind {kind!r}")


def canonical(kind: str, levels: list[str], raw) -> str:
    """A value written as text (baselines and targets are kept this way)."""
    number, text = parse(kind, levels, raw)
    if text is not None:
        return text
    return format_number(number)


def number_of(kind: str, levels: list[str], text: str | None) -> float | None:
    """The plotted number of a stored baseline or target (None if there is none)."""
    if text is None or text == "":
        return None
    try:
        return parse(kind, levels, text)[0]
    except BadValue:
        return None


def format_number(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else f"{number:.2f}".rstrip("0").rstrip(".")


def display(kind: str, number: float | None, text: str | None, unit: str = "") -> str:
    """A value as a reader sees it: '72 %', 'yes', 'High', '1,250 incidents'."""
    if text is not None and kind in ("yes_no", "level"):
        return text
    if number is None:
        return "—"
    shown = f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"
    if kind == "percentage":
        return f"{shown} %"
    return f"{shown} {unit}".strip() if unit and kind != "count" else shown
