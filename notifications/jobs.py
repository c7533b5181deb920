"""Every periodic job, declared in one list; `cpas scheduler` runs them, `--once` runs each once.

A job is `(name, function, every_seconds)`; the function takes the instant to act as of and must be
safe to run twice (unique keys, claimed rows), since more than one scheduler may run. An interval of
0 means CPAS_SCHEDULER_INTERVAL_SECONDS. Producers come first, so one pass also delivers what it queued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from notifications.delivery import deliver_outbox
from notifications.digests import send_digests
from notifications.reminders import send_followups, send_reminders

Job = tuple[str, Callable[[dt.datetime], object], int]

JOBS: list[Job] = [
    ("reminders", send_reminders, 0),
    ("followups", send_followups, 0),
    ("digests", send_digests, 0),
    ("deliver", deliver_outbox, 0),
]
