"""The `flask cpas …` commands: set-up, demo data, users and roles, the scheduler's start and stop."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts.models import RoleAssignment, User
from cpas_workflow.accounts.queries import user_by_email
from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.extensions import db
from cpas_workflow.missions.models import Component, Mission

ROOT = Path(__file__).resolve().parent.parent


def _counts(app) -> dict:
    with app.app_context():
        return {
            m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Mission, Component, User, RoleAssignment, AuditEvent)
        }


def test_demo_creates_the_contracts_missions_and_users_and_a_second_run_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["cpas", "demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(app)
    assert counts["Mission"] == 2 and counts["Component"] == 4 and counts["User"] == 12
    second = runner.invoke(args=["cpas", "demo"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert _counts(app) == counts
    with app.app_context():
        roles = {
            (a.user.email, a.role, a.mission.code if a.mission else None, a.component.code if a.component else None)
            for a in db.session.scalars(
                select(RoleAssignment).options(
                    joinedload(RoleAssignment.user),
                    joinedload(RoleAssignment.mission),
                    joinedload(RoleAssignment.component),
                )
            )
        }
    assert ("mil.head@demo.example", "component_head", "DEMO", "MIL") in roles
    assert ("hq@demo.example", "hq", None, None) in roles
    assert ("spu@other.example", "spu", "OTHER", None) in roles


def test_create_user_and_assign_role(app, demo):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "cpas",
            "create-user",
            "--email",
            "New.Officer@demo.example",
            "--name",
            "New Officer",
            "--password",
            "long-enough-pw",
        ]
    )
    assert made.exit_code == 0 and "Created new.officer@demo.example" in made.output
    again = runner.invoke(
        args=[
            "cpas",
            "create-user",
            "--email",
            "new.officer@demo.example",
            "--name",
            "X",
            "--password",
            "long-enough-pw",
        ]
    )
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(
        args=["cpas", "create-user", "--email", "b@demo.example", "--name", "B", "--password", "short"]
    )
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    ok = runner.invoke(
        args=[
            "cpas",
            "assign-role",
            "--email",
            "new.officer@demo.example",
            "--role",
            "focal_point",
            "--mission",
            "DEMO",
            "--component",
            "POL",
        ]
    )
    assert ok.exit_code == 0, ok.output
    for args, message in [
        (["--role", "focal_point", "--mission", "DEMO"], "held within a component"),
        (["--role", "spu"], "held within a mission"),
        (["--role", "hq", "--mission", "DEMO"], "name no mission"),
        (["--role", "spu", "--mission", "NOPE"], "no mission NOPE"),
        (["--role", "boss", "--mission", "DEMO"], "role must be one of"),
    ]:
        result = runner.invoke(args=["cpas", "assign-role", "--email", "new.officer@demo.example", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    with app.app_context():
        user = user_by_email("new.officer@demo.example")
        assert [(a.role, a.component.code) for a in user.roles] == [("focal_point", "POL")]


def test_scheduler_once_runs_and_exits_cleanly_and_refuses_a_bad_instant(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["cpas", "scheduler", "--once", "--now", "2026-12-14T08:00:00+00:00"]).exit_code == 0
    bad = runner.invoke(args=["cpas", "scheduler", "--once", "--now", "next tuesday"])
    assert bad.exit_code != 0 and "ISO 8601" in bad.output
    naive = runner.invoke(args=["cpas", "scheduler", "--once", "--now", "2026-12-14T08:00:00"])
    assert naive.exit_code != 0 and "UTC offset" in naive.output


def _flask(tmp_path, *args, timeout=120):
    env = {
        **os.environ,
        "CPAS_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "CPAS_INSTANCE_PATH": str(tmp_path / "instance"),
        "CPAS_SECRET_KEY": "cli-test",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "cpas", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_init_db_and_demo_work_on_a_fresh_database_from_the_command_line(tmp_path):
    first = _flask(tmp_path, "init-db")
    assert first.returncode == 0, first.stderr
    assert _flask(tmp_path, "init-db").returncode == 0  # running it again is harmless
    demo = _flask(tmp_path, "demo")
    assert demo.returncode == 0 and "Demo data loaded" in demo.stdout, demo.stderr
    assert "nothing changed" in _flask(tmp_path, "demo").stdout


def test_the_scheduler_process_starts_and_stops_on_sigterm(tmp_path):
    import signal
    import time

    assert _flask(tmp_path, "init-db").returncode == 0
    env = {
        **os.environ,
        "CPAS_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "CPAS_INSTANCE_PATH": str(tmp_path / "instance"),
        "CPAS_SECRET_KEY": "cli-test",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "cpas", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "scheduler started" in line:
                break
        assert any("scheduler started" in line for line in lines), lines
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:  # never leave a scheduler behind, whatever failed
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
