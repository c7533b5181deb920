"""cpas-workflow: the application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import ROOT, check_and_secure, load_config
from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.extensions import babel, csrf, db, login_manager, mail, migrate


def _locale() -> str:
    if not has_request_context():  # a command or a job: English unless a caller forces a locale
        return "en"
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.language
    return request.accept_languages.best_match(["en", "fr"]) or "en"


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("CPAS_INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = DatabaseId
    app.config.update(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    _check_secret(app)
    check_and_secure(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    proxies = app.config["CPAS_TRUSTED_PROXIES"]
    if proxies:  # the client's address and scheme as the proxies saw them (sign-in limits, Secure cookies)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=_locale, default_translation_directories=str(ROOT / "translations"))

    from cpas_workflow import models  # noqa: F401  (every table registered before use)
    from cpas_workflow.accounts import queries as account_queries

    account_queries.register(FlaskSession)
    from cpas_workflow.engine import store

    app.extensions["cpas_definitions"] = store.load(app.config["CPAS_WORKFLOWS_DIR"])

    from cpas_workflow.api import register_api
    from cpas_workflow.cli import register_cli
    from cpas_workflow.edge import register_edge
    from cpas_workflow.refusals import register_error_handlers
    from cpas_workflow.serving import init_serving
    from cpas_workflow.views import register_views

    register_edge(app)
    register_api(app)
    register_views(app)
    register_error_handlers(app)
    register_cli(app)
    app.after_request(_security_headers)
    init_serving(app)
    return app


def _security_headers(response):
    """Every asset is the app's own: the browser is told to load nothing from elsewhere. Nothing
    but static files is kept in any cache; outside development the browser is told to use https
    only (HSTS)."""
    from flask import current_app

    if _is_private(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    if current_app.config["CPAS_ENV"] != "development":
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _is_private(response) -> bool:
    """A response that must not be stored by the browser or any proxy. That is every answer but the
    app's own static files (or one marked public): signed-in pages, the API and downloads obviously,
    and the anonymous pages too, which carry an e-mail address (sign-in, unsubscribe) or a secret
    (the calendar feed)."""
    return request.endpoint != "static" and not response.cache_control.public


class DatabaseId(IntegerConverter):
    """`<int:…>` in every route: an id the database cannot hold is simply not found (no driver overflow).
    It is read as 0, which no row has, rather than refused by the converter: a refused conversion
    would make Werkzeug answer 405 instead of 404 where two rules share the address."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= DB_ID_MAX else 0


def _check_secret(app: Flask) -> None:
    """Development only: a key per instance folder, kept out of the repository. Elsewhere
    `check_and_secure` refuses to start without CPAS_SECRET_KEY."""
    if app.config.get("SECRET_KEY") or app.config["CPAS_ENV"] != "development":
        return
    key_file = Path(app.instance_path) / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(os.urandom(32).hex())
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, write-ahead log, and wait for a lock rather than fail at once.
    With the log, `synchronous=NORMAL` syncs the disk at checkpoints rather than at every commit: a
    commit costs microseconds instead of an fsync (transitions, each delivered message's outcome),
    and the database stays consistent; only a power cut may lose the last transactions."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
