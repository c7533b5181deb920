"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from cpas_workflow import create_app
from cpas_workflow.core.schema import upgrade_schema
from cpas_workflow.extensions import db


def _fresh_urls(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    base = os.environ.get("CPAS_TEST_DATABASE_URL")
    if base:
        schema = f"cpas_mig_{uuid.uuid4().hex[:10]}"
        yield "postgresql", f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}", (base, schema)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrating_an_empty_database_gives_the_models_schema(tmp_path, backend):
    urls = {name: (url, pg) for name, url, pg in _fresh_urls(tmp_path)}
    if backend not in urls:
        pytest.skip("CPAS_TEST_DATABASE_URL is not set")
    url, pg = urls[backend]
    admin = None
    if pg:
        admin = create_engine(pg[0], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{pg[1]}"'))
    try:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path / "i")
        )
        with app.app_context():
            upgrade_schema()
            upgrade_schema()  # a second run finds nothing to do
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
            db.engine.dispose()
        assert diff == [], f"models and migrations differ: add a migration (flask --app wsgi db migrate): {diff}"
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{pg[1]}" CASCADE'))
            admin.dispose()
