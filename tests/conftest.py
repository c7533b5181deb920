"""Fixtures: the app over a real database (SQLite, and PostgreSQL when CPAS_TEST_DATABASE_URL is
set), a frozen clock, the demo data, and an API client that signs in as a demo user."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cpas_workflow import create_app
from cpas_workflow.core import clock
from cpas_workflow.extensions import db

NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
PASSWORD = "demo-password"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("CPAS_TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    base = os.environ["CPAS_TEST_DATABASE_URL"]
    schema = f"cpas_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "CPAS_CHEAP_PASSWORD_HASHES": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CPAS_MAIL_DIR": str(instance / "mail"),
            "MAIL_SERVER": None,
            "CPAS_BASE_URL": "http://cpas.test",
            "SERVER_NAME": None,
            "CPAS_DEMO_HISTORY": False,  # the results framework tests load it where they need it
        },
        instance_path=str(instance),
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def frozen_clock():
    """Every test runs at NOW unless it moves the clock (`frozen_clock.set(...)`)."""

    class Clock:
        def set(self, at: dt.datetime) -> None:
            clock.freeze(at)

        def advance(self, **delta) -> None:
            clock.freeze(clock.now() + dt.timedelta(**delta))

    clock.freeze(NOW)
    yield Clock()
    clock.freeze(None)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Each test starts from an empty database: rows are deleted after it (threads and
    subprocesses see real commits, so a rolled-back outer transaction would not do)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    """The demo missions and users of the API contract."""
    from cpas_workflow.demo import load_demo

    with app.app_context():
        load_demo(PASSWORD)
        db.session.commit()
        db.session.remove()


class ApiUser:
    """A test client that sends one user's bearer token with every call."""

    def __init__(self, client, email: str) -> None:
        self.client, self.email = client, email
        self.expires_at = None

    @property
    def headers(self) -> dict:
        """A valid token's header; a new token once the (frozen) clock passed the old one's expiry."""
        if self.expires_at is None or clock.now() >= self.expires_at:
            response = self.client.post("/api/v1/tokens", json={"email": self.email, "password": PASSWORD})
            assert response.status_code == 201, response.get_json()
            body = response.get_json()
            self._headers = {"Authorization": f"Bearer {body['token']}"}
            self.expires_at = dt.datetime.fromisoformat(body["expires_at"])
        return self._headers

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self.headers, **kw)

    def put(self, url, **kw):
        return self.client.put(url, headers=self.headers, **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self.headers, **kw)


@pytest.fixture
def api(client, demo):
    """`api("spu@demo.example").post(...)`: calls as that demo user (tokens cached per test)."""
    cache: dict[str, ApiUser] = {}

    def as_user(email: str) -> ApiUser:
        if email not in cache:
            cache[email] = ApiUser(client, email)
        return cache[email]

    return as_user


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on the page at `url` (as a browser would read it)."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def sign_in(client, email: str, password: str = PASSWORD):
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def output_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-output"
    path.mkdir(exist_ok=True)
    return path
