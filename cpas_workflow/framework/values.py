"""What a value of each indicator kind may be: reading one (from JSON, or as a person typed it in
their language), keeping it within its kind's bounds, storing it, and showing it in the reader's
language.

Numbers reach here three ways. The API sends JSON numbers (or plain machine text such as "21.5").
A person types text in a form or a spreadsheet cell: that text is read in the person's language by
Babel's strict parser (French `21,5`, `1 500`, `62,5 %`; English `21.5`, `1,500`), and anything it
cannot read, or could read two ways, is refused with a message, never guessed at. A spreadsheet's
numeric cell is a number already and is taken as it is."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from flask_babel import get_locale
from flask_babel import gettext as _

YES = ("yes", "true", "1", "y")
NO = ("no", "false", "0", "n")

# The range of each numeric kind when the framework sets none (and the widest it may set).
COUNT_MAX = 1_000_000_000
NUMBER_LIMIT = 1_000_000_000_000
KIND_RANGES = {
    "number": (-NUMBER_LIMIT, NUMBER_LIMIT),
    "percentage": (0, 100),
    "count": (0, COUNT_MAX),
}
# What a person may type as a number: digits, a sign, separators, spaces (a percentage also ends in %).
TYPED_NUMBER = re.compile(r"[+\-]?[\d.,\s]+")
MACHINE_NUMBER = re.compile(r"[+\-]?(\d+\.?\d*|\.\d+)([eE][+\-]?\d+)?")
SPACES = re.compile(r"\s")
# Above this size a number is shown in scientific notation rather than as a line of digits.
SHOWN_IN_FULL = 1e15


class BadValue(ValueError):
    """A value that does not fit its indicator's kind or range; the message says what would."""


@dataclass(frozen=True)
class Typed:
    """Text a person typed (a form field, a text cell of an imported sheet), read in `locale`."""

    text: str
    locale: str


def _example(locale: str) -> str:
    return format_decimal(1500.5, format="#,##0.0", locale=locale)


def read_typed(text: str, locale: str, *, percent: bool = False) -> float:
    """The number a person wrote in their language; refused when unreadable or ambiguous."""
    shown = text.strip()
    written = shown[:-1].rstrip() if percent and shown.endswith("%") else shown
    written = written.replace("\u2212", "-")
    if not written or not TYPED_NUMBER.fullmatch(written):
        raise BadValue(_("must be a number, like %(example)s, not “%(text)s”", example=_example(locale), text=shown))
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    if group.isspace():  # French groups digits with a (narrow) no-break space: any space will do
        written = SPACES.sub(group, written)
    if "." not in (decimal, group) and "." in written:
        whole, _dot, fraction = written.partition(".")
        if "." in fraction or not whole.strip("+-").isdigit() or (len(fraction) == 3 and whole.strip("+-0")):
            raise BadValue(
                _(
                    "“%(text)s” could be read two ways: write the decimal sign as “%(decimal)s” (like %(example)s)",
                    text=shown,
                    decimal=decimal,
                    example=_example(locale),
                )
            )
        written = f"{whole}{decimal}{fraction}"
    try:
        number = parse_decimal(written, locale, strict=True)
    except NumberFormatError:
        raise BadValue(
            _(
                "“%(text)s” is not a number as written here: write it like %(example)s",
                text=shown,
                example=_example(locale),
            )
        ) from None
    return _finite(float(number))


def _finite(number: float) -> float:
    if not math.isfinite(number):
        raise BadValue(_("must be a finite number"))
    return number


def _number(raw, *, percent: bool = False) -> float:
    if isinstance(raw, bool):
        raise BadValue(_("must be a number, not true/false"))
    if isinstance(raw, int):
        if abs(raw) > 10 * NUMBER_LIMIT:
            raise BadValue(_("is far too large a number"))
        return float(raw)
    if isinstance(raw, float):
        return _finite(raw)
    if isinstance(raw, Typed):
        return read_typed(raw.text, raw.locale, percent=percent)
    if isinstance(raw, str):  # machine text (the API): 21.5, never a locale's 21,5 or 1,500
        if not MACHINE_NUMBER.fullmatch(raw.strip()):
            raise BadValue(_("must be a number written like 1500 or 21.5, not “%(text)s”", text=raw[:40]))
        return _finite(float(raw.strip()))
    raise BadValue(_("must be a number, not %(type)s", type=type(raw).__name__))


def bounds(kind: str, minimum: float | None = None, maximum: float | None = None) -> tuple[float, float]:
    """The smallest and largest value an indicator of `kind` accepts (the framework may narrow it)."""
    low, high = KIND_RANGES.get(kind, (-NUMBER_LIMIT, NUMBER_LIMIT))
    if minimum is not None and math.isfinite(minimum):
        low = max(low, minimum)
    if maximum is not None and math.isfinite(maximum):
        high = min(high, maximum)
    return low, high


def _within(number: float, kind: str, minimum: float | None, maximum: float | None) -> float:
    low, high = bounds(kind, minimum, maximum)
    if kind == "count" and not number.is_integer():
        raise BadValue(_("is a count: it must be a whole number, not %(value)s", value=format_number(number)))
    if not low <= number <= high:
        words = {
            "percentage": _("is a percentage: it must be between %(low)s and %(high)s, not %(value)s"),
            "count": _("is a count: it must be a whole number between %(low)s and %(high)s, not %(value)s"),
        }.get(kind, _("must be between %(low)s and %(high)s, not %(value)s"))
        raise BadValue(words % {"low": plain(low), "high": plain(high), "value": plain(number)})
    return number


def parse(
    kind: str, levels: list[str], raw, minimum: float | None = None, maximum: float | None = None
) -> tuple[float | None, str | None]:
    """(number, text) to store for `raw` as a value of an indicator of `kind`. A level's number is
    its rank (1 = lowest), a yes/no's 1 or 0, so every kind can be plotted."""
    if kind in KIND_RANGES:
        return _within(_number(raw, percent=kind == "percentage"), kind, minimum, maximum), None
    text = raw.text if isinstance(raw, Typed) else raw
    if kind == "yes_no":
        if isinstance(text, bool):
            answer = text
        elif isinstance(text, str) and text.strip().lower() in YES + NO + (_("yes"), _("no")):
            answer = text.strip().lower() in YES + (_("yes"),)
        else:
            raise BadValue(
                _("is a yes/no indicator: it must be true or false (yes or no), not “%(text)s”", text=str(text)[:40])
            )
        return (1.0, "yes") if answer else (0.0, "no")
    if kind == "level":
        if not isinstance(text, str) or text.strip() not in levels:
            raise BadValue(
                _("must be one of the levels %(levels)s, not “%(text)s”", levels=", ".join(levels), text=str(text)[:40])
            )
        return float(levels.index(text.strip()) + 1), text.strip()
    raise BadValue(_("unknown indicator kind %(kind)s", kind=kind))


def canonical(kind: str, levels: list[str], raw, minimum: float | None = None, maximum: float | None = None) -> str:
    """A value written as text (baselines and targets are kept this way)."""
    number, text = parse(kind, levels, raw, minimum, maximum)
    if text is not None:
        return text
    return format_number(number)


def number_of(kind: str, levels: list[str], text: str | None) -> float | None:
    """The plotted number of a stored baseline or target (None if there is none or it is unreadable)."""
    if text is None or text == "":
        return None
    try:
        if kind in KIND_RANGES:
            return _finite(float(text))
        return parse(kind, levels, text)[0]
    except (BadValue, ValueError):
        return None


def format_number(number: float | None) -> str:
    """Machine text of a number (stored baselines and targets, data attributes): 1500, 21.5."""
    if number is None or not math.isfinite(number):
        return ""
    if abs(number) >= SHOWN_IN_FULL:
        return f"{number:.6g}"
    return str(int(number)) if float(number).is_integer() else f"{number:.2f}".rstrip("0").rstrip(".")


def _decimal(number: float, places: int) -> Decimal:
    return Decimal(str(round(number, places)))


def locale_name() -> str:
    return str(get_locale() or "en")


def plain(number: float | None, places: int = 2) -> str:
    """A number in the reader's language: 1 500,5 in French, 1,500.5 in English; '—' when absent.
    A number too large to read in full is shown in scientific notation rather than failing."""
    if number is None or not math.isfinite(number):
        return "—"
    if abs(number) >= SHOWN_IN_FULL:
        return format_decimal(number, format="0.###E0", locale=locale_name())
    return format_decimal(_decimal(number, places), format="#,##0." + "#" * places, locale=locale_name())


def for_editing(number: float | None) -> str:
    """A stored number as the reader would type it again (no digit grouping): 21,5 in French."""
    if number is None or not math.isfinite(number):
        return ""
    if abs(number) >= SHOWN_IN_FULL:
        return format_number(number)
    return format_decimal(_decimal(number, 6), format="0.######", locale=locale_name())


def percent(number: float | None, places: int = 1) -> str:
    """A percentage (0–100) in the reader's language: 62,5 % in French, 62.5% in English."""
    if number is None or not math.isfinite(number):
        return "—"
    if abs(number) >= SHOWN_IN_FULL:
        return plain(number) + " %"
    return format_percent(_decimal(number, places) / 100, locale=locale_name(), decimal_quantization=False)


def display(kind: str, number: float | None, text: str | None, unit: str = "") -> str:
    """A value as a reader sees it: '72 %', 'yes', 'High', '1,250 incidents' (in their language)."""
    if kind == "yes_no" and text in ("yes", "no"):
        return _(text)
    if text is not None and kind in ("yes_no", "level"):
        return text
    if number is None:
        return "—"
    if kind == "percentage":
        return percent(number)
    shown = plain(number, 0 if kind == "count" else 2)
    return f"{shown} {unit}".strip() if unit and kind != "count" else shown


def hint(kind: str, minimum: float | None = None, maximum: float | None = None) -> str:
    """What a form field of this kind accepts, in the reader's language (shown under the field)."""
    if kind not in KIND_RANGES:
        return ""
    low, high = bounds(kind, minimum, maximum)
    example = _example(locale_name())
    if kind == "count":
        return _("A whole number from %(low)s to %(high)s.", low=plain(low), high=plain(high))
    if kind == "percentage":
        return _(
            "A percentage from %(low)s to %(high)s, like %(example)s.",
            low=plain(low),
            high=plain(high),
            example=plain(62.5),
        )
    return _(
        "A number from %(low)s to %(high)s, written like %(example)s.",
        low=plain(low),
        high=plain(high),
        example=example,
    )
