"""API tokens and the calendar secret (issue 11): shown once, stored only as a hash, listed on the
profile with creation and last use, revocable there and by DELETE /api/v1/tokens/current."""

from sqlalchemy import select

from cpas_workflow.accounts.models import ApiToken, User
from cpas_workflow.extensions import db
from tests.conftest import PASSWORD, csrf_token
from tests.web_helpers import post, signed_in

FP = "civ.fp@demo.example"


def new_token(client, email=FP) -> str:
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201
    return response.get_json()["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_delete_tokens_current_revokes_that_token_at_once_and_no_other(client, demo):
    first, second = new_token(client), new_token(client)
    assert client.delete("/api/v1/tokens/current", headers=bearer(first)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert client.delete("/api/v1/tokens/current", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200


def test_the_profile_lists_tokens_with_creation_and_last_use_and_revokes_them(app, client, demo, frozen_clock):
    token = new_token(client)
    web = signed_in(app, FP)
    assert "never" in web.get("/profile").get_data(as_text=True)
    frozen_clock.advance(minutes=20)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    html = web.get("/profile").get_data(as_text=True)
    assert "2026-10-01 08:00" in html and "2026-10-01 08:20" in html  # created, last used (UTC)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    post(web, f"/profile/tokens/{token_id}/revoke", {}, csrf=csrf_token(web, "/profile"))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_nobody_revokes_another_persons_token(app, client, demo):
    token = new_token(client)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    other = signed_in(app, "spu@demo.example")
    post(other, f"/profile/tokens/{token_id}/revoke", {}, csrf=csrf_token(other, "/profile"), status=404)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_tokens_and_calendar_secrets_are_stored_only_as_hashes(app, client, demo):
    token = new_token(client)
    calendar = client.post("/api/v1/me/calendar", headers=bearer(token)).get_json()["url"]
    secret = calendar.rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context():
        stored = [tuple(row) for row in db.session.execute(select(ApiToken.__table__))]
        stored += [tuple(row) for row in db.session.execute(select(User.__table__))]
    text = repr(stored)
    assert token not in text and secret not in text
    assert client.get(calendar.removeprefix("http://cpas.test")).status_code == 200  # the hash finds it


def test_the_openapi_document_declares_429_with_retry_after_and_the_revocation(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    throttled = paths["/tokens"]["post"]["responses"]["429"]
    assert "Retry-After" in throttled["headers"]
    assert "204" in paths["/tokens/current"]["delete"]["responses"]


def test_calendar_addresses_made_before_hashing_keep_working_after_the_migration(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from config import ROOT
    from cpas_workflow import create_app
    from notifications.operations import user_for_calendar

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url}, str(tmp_path / "i"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="b7d41e0c9a23")  # the schema before hashing
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (email, name, is_enabled, notify, language, calendar_token, created_at) "
                    "VALUES ('old@demo.example', 'Old Feed', 1, 'daily', 'en', 'an-old-secret', '2026-01-01')"
                )
            )
        upgrade(directory=str(ROOT / "migrations"))
        assert user_for_calendar("an-old-secret").email == "old@demo.example"
        assert "an-old-secret" not in repr(list(db.session.execute(select(User.__table__))))
        db.session.remove()
        db.engine.dispose()
