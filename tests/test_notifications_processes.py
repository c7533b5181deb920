# ruff: noqa: F811  (the smtp fixture is imported)
"""Real scheduler processes over the test database (SQLite file, PostgreSQL schema): two at once
send nothing twice; one killed mid-send loses nothing; `cpas scheduler` stops cleanly on SIGTERM."""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cpas_workflow.extensions import db
from notifications.outbox import enqueue
from tests.cycle_helpers import SPU, fire, fp, ok, start_cycle
from tests.notify_helpers import keys, outbox, set_notify, smtp, utc  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
WAIT = 120  # seconds a scheduler process may take before the test gives up on it


def scheduler_env(app, tmp_path, port: int) -> dict:
    return os.environ | {
        "CPAS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CPAS_SECRET_KEY": "test-secret-key",
        "CPAS_INSTANCE_PATH": str(tmp_path),
        "CPAS_BASE_URL": "http://cpas.test",
        "CPAS_MAIL_SERVER": "127.0.0.1",
        "CPAS_MAIL_PORT": str(port),
        "CPAS_SCHEDULER_INTERVAL_SECONDS": "3600",
    }


def scheduler(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "cpas", "scheduler", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err
    return err


def queue_many(app, count: int) -> None:
    from cpas_workflow.accounts.operations import find_user

    with app.app_context():
        user = find_user(fp("MIL"))
        task = type("T", (), {"title": "A task", "due": dt.date(2026, 10, 20)})
        for n in range(count):
            enqueue(
                f"test:{n}",
                "test",
                user,
                "reminder",
                subject=("Message %(n)s", {"n": n}),
                task=task,
                mission=type("M", (), {"code": "DEMO"}),
                url="http://cpas.test/",
                days_left=3,
            )
        db.session.commit()


def test_two_schedulers_at_once_send_every_message_exactly_once(app, api, smtp, tmp_path):
    for email in (fp("CIV"), fp("POL"), SPU):
        set_notify(app, email, "immediate")
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-08")["id"], "open_input"))
    queue_many(app, 40)
    env = scheduler_env(app, tmp_path, smtp.port)
    now = utc(2026, 10, 14, 6).isoformat()  # reminders, escalations and digests due in both
    first, second = scheduler(env, "--once", "--now", now), scheduler(env, "--once", "--now", now)
    finish(first), finish(second)
    queued = keys(app)
    assert len(queued) > 45  # 40 queued by hand, task-opened messages, reminders, escalations, digests
    assert {m.status for m in outbox(app)} == {"sent"}
    received = collections.Counter(smtp.inbox.keys())
    assert set(received) == set(queued)
    assert max(received.values()) == 1


def test_a_scheduler_killed_mid_send_loses_nothing_once_restarted(app, demo, smtp, tmp_path):
    queue_many(app, 5)
    env = scheduler_env(app, tmp_path, smtp.port)
    now = utc(2026, 10, 14, 6)
    smtp.inbox.hold, smtp.inbox.drop_held = True, True
    victim = scheduler(env, "--once", "--now", now.isoformat())
    deadline = time.monotonic() + WAIT
    while not smtp.inbox.holding and time.monotonic() < deadline:
        time.sleep(0.05)  # waiting for the process to reach the middle of a send, not for time to pass
    assert smtp.inbox.holding
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=WAIT)
    smtp.inbox.hold = False
    stuck = [m.key for m in outbox(app) if m.status == "sending"]
    assert stuck == [f"test:{n}" for n in range(5)]  # the victim's claimed batch: the held one and the rest
    finish(scheduler(env, "--once", "--now", (now + dt.timedelta(minutes=1)).isoformat()))
    assert [m.key for m in outbox(app) if m.status != "sent"] == stuck  # their lease still runs
    finish(scheduler(env, "--once", "--now", (now + dt.timedelta(minutes=11)).isoformat()))
    assert {m.status for m in outbox(app)} == {"sent"}
    received = collections.Counter(smtp.inbox.keys())
    assert set(received) == set(keys(app)) and max(received.values()) == 1
    assert {m.attempts for m in outbox(app) if m.key in stuck} == {2}


def test_the_scheduler_runs_its_jobs_until_sigterm_and_then_stops_cleanly(app, demo, tmp_path):
    queue_many(app, 2)
    env = scheduler_env(app, tmp_path, 25) | {"CPAS_MAIL_SERVER": ""}  # file fallback under tmp_path/mail
    process = scheduler(env)
    guard = threading.Timer(WAIT, process.kill)  # should the job never run, the test fails instead of hanging
    guard.start()
    lines = []
    for line in process.stderr:
        lines.append(line)
        if 'Job "deliver' in line and "executed successfully" in line:
            break
    assert any("scheduler started with 4 job(s): reminders, followups, digests, deliver" in line for line in lines), (
        lines
    )
    assert {m.status for m in outbox(app)} == {"sent"}
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
    process.send_signal(signal.SIGTERM)
    err = finish(process)
    guard.cancel()
    assert "scheduler stopped" in "".join(lines) + err, (lines, err)
