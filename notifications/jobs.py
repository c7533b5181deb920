"""Every periodic job, declared in one list; `cpas scheduler` runs them, `--once` runs each once.

A job is `(name, function, every_seconds)`; the function takes the instant to act as of and must be
safe to run twice (unique keys, claimed rows), since more than one scheduler may run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Job = tuple[str, Callable[[dt.datetime], object], int]

JOBS: list[Job] = []
