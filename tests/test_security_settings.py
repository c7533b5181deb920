"""Production settings, headers, redirects and expiring tokens (issue 11)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from config import ConfigError
from cpas_workflow import create_app
from tests.conftest import PASSWORD, csrf_token
from tests.web_helpers import signed_in

ROOT = Path(__file__).resolve().parent.parent
SPU = "spu@demo.example"
KEY = "k" * 40


def production(tmp_path, **settings):
    config = {"CPAS_ENV": "production", "SECRET_KEY": KEY, "CPAS_BASE_URL": "https://cpas.example.org"}
    config.update({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}", **settings})
    return create_app(config, instance_path=str(tmp_path / "instance"))


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"SECRET_KEY": None}, "CPAS_SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "CPAS_SECRET_KEY"),
        ({"CPAS_BASE_URL": "http://cpas.example.org"}, "CPAS_BASE_URL"),
        ({"CPAS_CHEAP_PASSWORD_HASHES": True}, "CPAS_CHEAP_PASSWORD_HASHES"),
        ({"CPAS_ENV": "prod"}, "CPAS_ENV"),
    ],
)
def test_production_refuses_to_start_on_an_unsafe_setting(tmp_path, settings, named):
    with pytest.raises(ConfigError, match=named):
        production(tmp_path, **settings)


def test_the_refusal_is_one_clear_line_for_the_operator(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPAS_")}
    env.update(CPAS_ENV="production", CPAS_BASE_URL="https://cpas.example.org", CPAS_INSTANCE_PATH=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "CPAS_SECRET_KEY" in done.stderr


def test_production_sets_secure_cookies_and_hsts(tmp_path):
    app = production(tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/sign-in", base_url="https://cpas.example.org")
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def test_signed_in_pages_api_answers_and_exports_are_never_stored(app, api, client):
    web = signed_in(app, SPU)
    for response in (
        client.get("/sign-in"),
        web.get("/"),
        web.get("/profile"),
        api(SPU).get("/api/v1/me"),
        client.post("/api/v1/tokens", json={"email": SPU, "password": "wrong-password"}),
        api(SPU).get("/api/v1/missions/DEMO/indicator-values.csv"),
    ):
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    static = web.get("/static/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "/\r\nSet-Cookie:x", "javascript:x"]
)
def test_sign_in_goes_only_to_this_sites_own_paths(client, demo, target):
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in", query_string={"next": target}, data={"email": SPU, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_sign_in_keeps_a_path_of_this_site(client, demo):
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=/profile?tab=x", data={"email": SPU, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/profile?tab=x"


def test_an_error_never_sends_the_browser_to_the_referer_of_another_site(app, demo):
    admin = signed_in(app, "admin@demo.example")
    away = admin.get("/admin/outbox?status=bogus", headers={"Referer": "https://evil.example/phish"})
    assert away.status_code == 302 and "evil.example" not in away.headers["Location"]
    back = admin.get("/admin/outbox?status=bogus", headers={"Referer": "http://localhost/admin/users"})
    assert back.headers["Location"] == "/admin/users"  # this site's own page is fine


class _Signed13HoursAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 13 * 3600


class _SignedAnHourAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 3600


def test_a_form_older_than_the_longest_session_is_refused(app, demo):
    web = signed_in(app, SPU)
    csrf_token(web, "/profile")
    with web.session_transaction() as session:
        raw = session["csrf_token"]
    form = {"name": "Sam Planner", "notify": "daily", "language": "en"}
    for signer, status in ((_Signed13HoursAgo, 400), (_SignedAnHourAgo, 302)):
        token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token", signer=signer).dumps(raw)
        assert web.post("/profile", data={**form, "csrf_token": token}).status_code == status


def test_an_unsubscribe_link_expires_after_sixty_days_and_says_so(app, api, client, frozen_clock):
    from cpas_workflow.accounts.operations import find_user
    from notifications.outbox import unsubscribe_token

    with app.app_context():
        token = unsubscribe_token(find_user(SPU))
    frozen_clock.advance(days=59)
    assert client.get(f"/unsubscribe/{token}").status_code == 200
    frozen_clock.advance(days=2)
    expired = client.post(f"/unsubscribe/{token}", headers={"Accept-Language": "fr"})
    html = expired.get_data(as_text=True)
    assert expired.status_code == 410 and "a expiré" in html and "/sign-in?next=" in html
    assert api(SPU).get("/api/v1/me/preferences").get_json()["notify"] == "daily"  # nothing changed
