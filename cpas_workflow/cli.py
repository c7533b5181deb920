"""`flask --app wsgi cpas …`: database set-up, demo data, the scheduler, users and roles."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from cpas_workflow.core import clock
from cpas_workflow.core.errors import DomainError
from cpas_workflow.extensions import db

cpas = AppGroup("cpas", help="cpas-workflow administration.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


@cpas.command("init-db")
def init_db() -> None:
    """Create (or migrate) the schema of CPAS_DATABASE_URL and register the workflow definitions."""
    from cpas_workflow.core.schema import upgrade_schema
    from cpas_workflow.engine import store
    from cpas_workflow.engine.definitions import DefinitionError

    upgrade_schema()
    try:
        store.register_all()
        db.session.commit()
    except DefinitionError as exc:
        db.session.rollback()
        _fail(str(exc))
    click.echo("Database ready.")


@cpas.command("demo")
def demo() -> None:
    """Load the demo missions, users and history (running it again changes nothing)."""
    from cpas_workflow.demo import load_demo

    created = load_demo(current_app.config["CPAS_DEMO_PASSWORD"])
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present; nothing changed.")


@cpas.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email: str, name: str, password: str) -> None:
    """Create a user who can sign in."""
    from cpas_workflow.accounts.operations import create_user as create

    try:
        user = create(email, name, password)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        _fail(exc.message)
    click.echo(f"Created {user.email}.")


@cpas.command("assign-role")
@click.option("--email", required=True)
@click.option("--role", required=True, help="spu, focal_point, component_head, leadership, viewer, hq or admin")
@click.option("--mission", default=None, help="mission code (not for hq and admin)")
@click.option("--component", default=None, help="component code (focal_point and component_head)")
def assign_role(email: str, role: str, mission: str | None, component: str | None) -> None:
    """Give a user a role in a mission or component (or hq/admin everywhere)."""

    from cpas_workflow.accounts.operations import assign_role as assign
    from cpas_workflow.accounts.operations import find_user
    from cpas_workflow.missions.queries import mission_by_code

    user = find_user(email)
    if user is None:
        _fail(f"no user with e-mail {email}")
    mission_row = None
    if mission:
        mission_row = mission_by_code(mission)
        if mission_row is None:
            _fail(f"no mission {mission}")
    try:
        assign(user, role, mission_row, component)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        _fail(exc.message)
    click.echo(f"{email} is now {role}{' of ' + mission if mission else ''}{'/' + component if component else ''}.")


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        _fail(f"--now must be an ISO 8601 instant with its offset, e.g. 2026-12-14T08:00:00+00:00, not {value!r}")
    if instant.tzinfo is None:
        _fail("--now needs a UTC offset, e.g. 2026-12-14T08:00:00+00:00")
    return instant


@cpas.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job that is due once, then exit.")
@click.option("--now", "now_text", default=None, help="With --once: act as at this instant (ISO 8601 with offset).")
def scheduler(once: bool, now_text: str | None) -> None:
    """Run the scheduler: reminders, escalations, digests and outbox delivery."""
    from notifications.runner import run_forever, run_once

    now = _parse_now(now_text)
    if now is not None and not once:
        _fail("--now goes with --once")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if once:
        failures = run_once(now or clock.now())
        sys.exit(1 if failures else 0)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_forever(current_app._get_current_object())


def register_cli(app: Flask) -> None:
    app.cli.add_command(cpas)
