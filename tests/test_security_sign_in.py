"""Sign-in limits (issue 11): a progressive delay, then a lock per account and per client address,
kept in the database; 429 with Retry-After on the API; the same work for known and unknown e-mails."""

import datetime as dt
import logging

import pytest
from argon2 import PasswordHasher

from cpas_workflow import create_app
from cpas_workflow.core import clock
from cpas_workflow.extensions import db
from tests.conftest import PASSWORD, csrf_token

SPU = "spu@demo.example"
ATTACKER = "198.51.100.7"


def token_attempt(client, email=SPU, password="not-the-password", address=ATTACKER):
    return client.post(
        "/api/v1/tokens", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def form_attempt(client, email=SPU, password="not-the-password", address=ATTACKER):
    token = csrf_token(client, "/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": "fr"},
    )


def test_after_ten_failures_the_api_answers_429_whatever_the_password_until_the_window_passes(client, demo):
    for _ in range(10):
        assert token_attempt(client).status_code == 401
    for password in (PASSWORD, "not-the-password"):
        refused = token_attempt(client, password=password)
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "throttled"
    retry_after = int(refused.headers["Retry-After"])
    assert 14 * 60 < retry_after <= 15 * 60
    assert token_attempt(client, email=" SPU@Demo.Example ", password=PASSWORD).status_code == 429  # same account
    clock.freeze(clock.now() + dt.timedelta(seconds=retry_after - 1))
    assert token_attempt(client, password=PASSWORD).status_code == 429  # refusals do not extend the lock
    clock.freeze(clock.now() + dt.timedelta(seconds=1))
    assert token_attempt(client, password=PASSWORD).status_code == 201


def test_the_sign_in_form_locks_the_account_with_a_clear_message(client, demo):
    for _ in range(10):
        assert form_attempt(client).status_code == 422
    locked = form_attempt(client, password=PASSWORD)
    html = locked.get_data(as_text=True)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "Trop de tentatives de connexion" in html and f'value="{SPU}"' in html
    assert client.get("/").status_code == 302  # not signed in


def test_failures_are_answered_later_and_later(client, demo):
    waits = []
    for _ in range(7):
        before = clock.now()
        token_attempt(client)
        waits.append((clock.now() - before).total_seconds())
    assert waits == [0, 0, 0.5, 1, 2, 2, 2]  # CPAS_SIGN_IN_MAX_DELAY_SECONDS caps it


def test_a_success_forgives_the_accounts_earlier_failures(client, demo):
    for _ in range(9):
        token_attempt(client)
    assert token_attempt(client, password=PASSWORD).status_code == 201
    assert token_attempt(client).status_code == 401  # counting starts again


def test_one_address_trying_many_accounts_is_locked_out_but_others_are_not(client, demo):
    for n in range(50):
        assert token_attempt(client, email=f"guess{n}@demo.example").status_code == 401
    assert token_attempt(client, email="lead@demo.example", password=PASSWORD).status_code == 429
    assert token_attempt(client, email="lead@demo.example", password=PASSWORD, address="203.0.113.9").status_code == 201


@pytest.fixture
def another_app(app, tmp_path):
    """A second application over the same database, as another worker process would be."""
    made = []

    def make(**settings):
        names = ("TESTING", "SECRET_KEY", "CPAS_CHEAP_PASSWORD_HASHES", "SQLALCHEMY_DATABASE_URI")
        made.append(create_app({**{k: app.config[k] for k in names}, **settings}, instance_path=str(tmp_path)))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def test_the_lock_is_kept_in_the_database_for_every_process(client, demo, another_app):
    for _ in range(10):
        token_attempt(client)
    assert token_attempt(another_app().test_client(), password=PASSWORD).status_code == 429


def test_attempts_are_logged_with_the_account_and_address_but_never_the_password(client, demo, caplog):
    with caplog.at_level(logging.INFO, logger="cpas.security"):
        for _ in range(10):
            token_attempt(client, password="s3cret-guess")
        token_attempt(client, password=PASSWORD)
    assert all("s3cret-guess" not in r.getMessage() and PASSWORD not in r.getMessage() for r in caplog.records)
    failed = [r for r in caplog.records if "failed" in r.getMessage()]
    assert len(failed) == 10 and SPU in failed[0].getMessage() and ATTACKER in failed[0].getMessage()
    assert "locked" in caplog.records[-1].getMessage()


def test_unknown_and_known_accounts_cost_the_same_single_password_verification(client, demo, monkeypatch):
    calls = []
    verify, make = PasswordHasher.verify, PasswordHasher.hash
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, *a: calls.append("verify") or verify(self, *a))
    monkeypatch.setattr(PasswordHasher, "hash", lambda self, *a: calls.append("hash") or make(self, *a))
    token_attempt(client, email="warm-up@demo.example", address="192.0.2.1")  # the dummy hash is made once
    calls.clear()
    assert token_attempt(client, email="nobody@demo.example", address="192.0.2.2").status_code == 401
    unknown = list(calls)
    calls.clear()
    assert token_attempt(client, email=SPU, address="192.0.2.3").status_code == 401
    assert unknown == calls == ["verify"]


def spray(client, count, forwarded_for):
    for n in range(count):
        client.post(
            "/api/v1/tokens",
            json={"email": f"guess{n}@demo.example", "password": "x"},
            headers={"X-Forwarded-For": forwarded_for(n)},
        )


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_limit(client, demo):
    spray(client, 50, lambda n: f"203.0.113.{n}")  # no proxy is trusted by default: the header is ignored
    right = client.post("/api/v1/tokens", json={"email": "lead@demo.example", "password": PASSWORD})
    assert right.status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts_apart(demo, another_app):
    behind = another_app(CPAS_TRUSTED_PROXIES=1).test_client()
    spray(behind, 50, lambda n: ATTACKER)
    for address, status in ((ATTACKER, 429), ("203.0.113.9", 201)):
        answer = behind.post(
            "/api/v1/tokens",
            json={"email": "lead@demo.example", "password": PASSWORD},
            headers={"X-Forwarded-For": address},
        )
        assert answer.status_code == status
