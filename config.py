"""Settings: every knob the application reads, taken from the environment (and a `.env` file)."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent
load_dotenv(ROOT / ".env")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool = False) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value is not None else default


def load_config(instance_path: str) -> dict:
    """Build the Flask config mapping from the environment; `instance_path` anchors local files."""
    instance = Path(instance_path)
    session_hours = _env_int("CPAS_SESSION_MAX_HOURS", 12)
    attachment_mb = _env_int("CPAS_MAX_ATTACHMENT_MB", 10)
    return {
        "SECRET_KEY": _env("CPAS_SECRET_KEY"),
        "CPAS_ENV": _env("CPAS_ENV", "development"),
        "SQLALCHEMY_DATABASE_URI": _env("CPAS_DATABASE_URL", f"sqlite:///{instance / 'cpas.sqlite3'}"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CPAS_BASE_URL": _env("CPAS_BASE_URL", "http://127.0.0.1:5000"),
        "CPAS_WORKFLOWS_DIR": _env("CPAS_WORKFLOWS_DIR", str(ROOT / "workflows")),
        "CPAS_DEMO_PASSWORD": _env("CPAS_DEMO_PASSWORD", "demo-password"),
        # The demo mission's framework and past cycles (tests load them only where they need them).
        "CPAS_DEMO_HISTORY": _env_bool("CPAS_DEMO_HISTORY", True),
        "CPAS_TOKEN_HOURS": _env_int("CPAS_TOKEN_HOURS", 12),
        "CPAS_MAX_TEXT": _env_int("CPAS_MAX_TEXT", 20_000),
        # A request body may hold the largest attachment and its form around it (the file itself is
        # then refused by its own limit, with a message saying it).
        "MAX_CONTENT_LENGTH": _env_int("CPAS_MAX_CONTENT_LENGTH", max(10, attachment_mb + 1) * 1024 * 1024),
        # Evidence (cpas_workflow/evidence/): files attached to input and follow-up actions.
        "CPAS_MAX_ATTACHMENT_MB": attachment_mb,
        "CPAS_ATTACHMENT_DIR": _env("CPAS_ATTACHMENT_DIR", str(instance / "attachments")),
        # Input bounds (issue 11): JSON bodies, how far ahead a date may lie, framework sheets.
        "CPAS_MAX_JSON_BYTES": _env_int("CPAS_MAX_JSON_BYTES", 1024 * 1024),
        "CPAS_MAX_JSON_DEPTH": _env_int("CPAS_MAX_JSON_DEPTH", 16),
        "CPAS_MAX_YEARS_AHEAD": _env_int("CPAS_MAX_YEARS_AHEAD", 5),
        "CPAS_MAX_IMPORT_MB": _env_int("CPAS_MAX_IMPORT_MB", 5),
        "CPAS_MAX_IMPORT_UNPACKED_MB": _env_int("CPAS_MAX_IMPORT_UNPACKED_MB", 20),
        # Mail: with no server configured, messages are written as .eml files under instance/mail/.
        "MAIL_SERVER": _env("CPAS_MAIL_SERVER"),
        "MAIL_PORT": _env_int("CPAS_MAIL_PORT", 25),
        "MAIL_USE_TLS": _env_bool("CPAS_MAIL_USE_TLS"),
        "MAIL_USERNAME": _env("CPAS_MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("CPAS_MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": _env("CPAS_MAIL_DEFAULT_SENDER", "cpas-workflow@localhost"),
        "CPAS_MAIL_DIR": _env("CPAS_MAIL_DIR", str(instance / "mail")),
        "CPAS_MAIL_TIMEOUT": _env_int("CPAS_MAIL_TIMEOUT", 30),
        "CPAS_MAIL_MAX_ATTEMPTS": _env_int("CPAS_MAIL_MAX_ATTEMPTS", 8),
        # Reminders and digests.
        "CPAS_REMINDER_DAYS_BEFORE": [int(d) for d in (_env("CPAS_REMINDER_DAYS_BEFORE", "3,1") or "").split(",") if d],
        "CPAS_OVERDUE_EVERY_DAYS": _env_int("CPAS_OVERDUE_EVERY_DAYS", 2),
        "CPAS_ESCALATE_AFTER_DAYS": _env_int("CPAS_ESCALATE_AFTER_DAYS", 5),
        "CPAS_DIGEST_HOUR": _env_int("CPAS_DIGEST_HOUR", 7),
        "CPAS_DIGEST_WEEKDAY": _env_int("CPAS_DIGEST_WEEKDAY", 0),
        "CPAS_SCHEDULER_INTERVAL_SECONDS": _env_int("CPAS_SCHEDULER_INTERVAL_SECONDS", 60),
        # Notifications (notifications/): retry back-off base, claim lease, follow-up nudges.
        "CPAS_MAIL_RETRY_SECONDS": _env_int("CPAS_MAIL_RETRY_SECONDS", 60),
        "CPAS_MAIL_LEASE_SECONDS": _env_int("CPAS_MAIL_LEASE_SECONDS", 600),
        # Delivery: rows claimed (and sent through one SMTP connection) at a time; length of a pass.
        "CPAS_MAIL_BATCH": _env_int("CPAS_MAIL_BATCH", 200),
        "CPAS_MAIL_PASS_SECONDS": _env_int("CPAS_MAIL_PASS_SECONDS", 55),
        "CPAS_FOLLOWUP_EVERY_DAYS": _env_int("CPAS_FOLLOWUP_EVERY_DAYS", 30),
        # Production serving (cpas_workflow/serving/): metrics access, readiness.
        "CPAS_METRICS_TOKEN": _env("CPAS_METRICS_TOKEN"),
        "CPAS_READY_HEARTBEAT_SECONDS": _env_int("CPAS_READY_HEARTBEAT_SECONDS", 300),
        "BABEL_DEFAULT_LOCALE": "en",
        # Sessions and sign-in (SECURITY.md): server-side session records, their time-outs, throttling.
        "CPAS_SESSION_IDLE_MINUTES": _env_int("CPAS_SESSION_IDLE_MINUTES", 30),
        "CPAS_SESSION_MAX_HOURS": session_hours,
        "PERMANENT_SESSION_LIFETIME": session_hours * 3600,
        "CPAS_SIGN_IN_WINDOW_MINUTES": _env_int("CPAS_SIGN_IN_WINDOW_MINUTES", 15),
        "CPAS_SIGN_IN_ACCOUNT_LIMIT": _env_int("CPAS_SIGN_IN_ACCOUNT_LIMIT", 10),
        "CPAS_SIGN_IN_ADDRESS_LIMIT": _env_int("CPAS_SIGN_IN_ADDRESS_LIMIT", 50),
        "CPAS_SIGN_IN_MAX_DELAY_SECONDS": _env_int("CPAS_SIGN_IN_MAX_DELAY_SECONDS", 2),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none, trust nothing).
        "CPAS_TRUSTED_PROXIES": _env_int("CPAS_TRUSTED_PROXIES", 0),
        "CPAS_UNSUBSCRIBE_DAYS": _env_int("CPAS_UNSUBSCRIBE_DAYS", 60),
        # A form older than the longest session is refused (Flask-WTF's signed, timed CSRF token).
        "WTF_CSRF_TIME_LIMIT": session_hours * 3600,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


class ConfigError(RuntimeError):
    """A setting that makes it unsafe to start; the message is one line an operator can act on."""


ENVIRONMENTS = ("development", "production")


def check_and_secure(config: dict) -> None:
    """Refuse to start on an unsafe production setting, and turn on every secure default outside
    development (the only place plain http and a generated key are acceptable)."""
    env = config["CPAS_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"CPAS_ENV={env!r} is not known: use one of {', '.join(ENVIRONMENTS)}")
    if env == "development":
        return
    key = config.get("SECRET_KEY") or ""
    if len(key) < 32:
        raise ConfigError(
            "CPAS_SECRET_KEY must be set to a random value of at least 32 characters when CPAS_ENV="
            f"{env} (make one with: python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    base = config.get("CPAS_BASE_URL") or ""
    if not base.startswith("https://"):
        raise ConfigError(f"CPAS_BASE_URL must be the site's https:// address when CPAS_ENV={env} (it is {base!r})")
    if config.get("CPAS_CHEAP_PASSWORD_HASHES"):
        raise ConfigError(f"CPAS_CHEAP_PASSWORD_HASHES is for tests only and must not be set when CPAS_ENV={env}")
    config.update(
        DEBUG=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_NAME="__Host-cpas_session",  # Secure, whole site, this host only
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        PREFERRED_URL_SCHEME="https",
        WTF_CSRF_SSL_STRICT=True,
    )
