"""The WSGI entry point: `flask --app wsgi …` and gunicorn `wsgi:app`."""

from config import ConfigError
from cpas_workflow import create_app

try:
    app = create_app()
except ConfigError as exc:  # one clear line for the operator, no traceback
    raise SystemExit(f"cpas-workflow will not start: {exc}") from None
