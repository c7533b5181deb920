"""Benchmark: a backlog of 40,000 queued messages delivered to a local SMTP server (aiosmtpd, in a
process of its own), as the scheduler's delivery job would, pass after pass.

The messages are what a scheduler pass queues (reminders, unrendered): each is rendered in its
recipient's language, sent through one SMTP connection per batch, and its outcome recorded. The
server writes down every key it receives; the bench checks each arrived exactly once. The figure is
the time the scheduler needs to drain the backlog, its passes CPAS_SCHEDULER_INTERVAL_SECONDS apart.

Run: `.venv/bin/python bench/delivery.py [MESSAGES]` (or `make bench`; `CPAS_BENCH_BACKEND=postgresql`).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import multiprocessing
import socket
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import bench_app, note, row  # noqa: E402

from cpas_workflow.accounts.models import User  # noqa: E402
from cpas_workflow.core import clock  # noqa: E402
from cpas_workflow.core.schema import upgrade_schema  # noqa: E402
from cpas_workflow.extensions import db  # noqa: E402
from notifications.delivery import deliver_outbox  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402
from notifications.outbox import add_deferred, deferred_row  # noqa: E402
from notifications.recipients import Person  # noqa: E402
from notifications.runner import run_job  # noqa: E402

NOW = dt.datetime(2026, 10, 14, 9, 0, tzinfo=dt.UTC)
USERS = 2_000


def smtp_server(port: int, received: str, ready) -> None:
    """A real SMTP server that notes the key of every message it accepts (one line each)."""
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self) -> None:
            self.out = open(received, "a", encoding="utf-8")  # noqa: SIM115 (open for the server's life)

        async def handle_DATA(self, server, session, envelope):
            content = envelope.original_content or envelope.content
            head = content.split(b"\r\n\r\n", 1)[0]
            key = next(line for line in head.split(b"\r\n") if line.startswith(b"X-CPAS-Key:"))
            self.out.write(key.split(b":", 1)[1].strip().decode() + "\n")
            self.out.flush()
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queue_backlog(count: int) -> None:
    db.session.execute(
        insert(User),
        [
            {
                "email": f"user{u}@bench.example",
                "name": f"User {u}",
                "notify": "immediate",
                "language": "fr" if u % 3 == 0 else "en",
                "created_at": NOW,
            }
            for u in range(USERS)
        ],
    )
    users = [Person(*r) for r in db.session.execute(select(User.id, User.email, User.name, User.language, User.notify))]
    rows = []
    for n in range(count):
        context = {"title": f"Submit Component {n % 5} input for 2026-Q4", "due": "2026-10-15"}
        context |= {"path": f"/submissions/{n}", "mission": "M1", "today": "2026-10-14", "recommendation_id": None}
        user = users[n % len(users)]
        rows.append(deferred_row(f"task-{n}:reminder:before-1:user-{user.id}", "reminder", user, json.dumps(context)))
    with clock.frozen(NOW):
        add_deferred(rows)
    db.session.commit()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40_000
    folder = Path(tempfile.mkdtemp(prefix="cpas-bench-"))
    received = folder / "received.txt"
    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=smtp_server, args=(port, str(received), ready), daemon=True)
    server.start()
    ready.wait(30)
    app = bench_app(folder, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    interval = app.config["CPAS_SCHEDULER_INTERVAL_SECONDS"]
    took: list[float] = []
    with app.app_context():
        upgrade_schema()
        queue_backlog(count)
        while db.session.scalar(select(func.count()).where(OutboxMessage.status == "pending")):
            started = time.perf_counter()
            assert run_job("deliver", deliver_outbox, NOW)
            took.append(time.perf_counter() - started)
            if len(took) > 200:
                break
        statuses = dict(
            db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        )
        db.session.remove()
        db.engine.dispose()
    server.kill()
    keys = collections.Counter(received.read_text(encoding="utf-8").split())
    busy = sum(took)
    # Passes start an interval apart (or at once when one ran longer); the last ends when it ends.
    scheduled = sum(max(t, interval) for t in took[:-1]) + took[-1]
    note(
        f"{count:,} messages: {len(took)} pass(es), {busy:.0f} s sending ({count / busy:.0f} a second), outbox {statuses}"
    )
    note(f"received {sum(keys.values()):,} messages, {len(keys):,} distinct, at most {max(keys.values())} of one key")
    row(f"delivery of a {count:,}-message backlog", scheduled / 60, 15, "min")
    row(
        "delivery: messages received more than once or not at all",
        count - len(keys) + sum(keys.values()) - len(keys),
        0,
    )


if __name__ == "__main__":
    main()
