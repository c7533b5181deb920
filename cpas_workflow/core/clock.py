"""The one source of time. Tests and `scheduler --now` freeze it instead of sleeping."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return now().date()


def sleep(seconds: float) -> None:
    """Wait `seconds`; on a frozen clock the wait is the frozen instant moving on (tests never sleep)."""
    global _frozen
    if seconds <= 0:
        return
    if _frozen is not None:
        _frozen = _frozen + dt.timedelta(seconds=seconds)
        return
    time.sleep(seconds)


def freeze(at: dt.datetime | None) -> None:
    """Pin the clock at `at` (aware); None lets it run again."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware instant")
    _frozen = at.astimezone(dt.UTC) if at is not None else None


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    previous = _frozen
    freeze(at)
    try:
        yield
    finally:
        freeze(previous)
